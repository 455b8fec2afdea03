#include "trm/tasks/function_call/task.h"

#include "trm/core/jsonl.h"
#include "trm/tasks/function_call/generator.h"
#include "trm/tasks/function_call/parse.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace trm::tasks::function_call {
namespace {

std::string type_signature(const json& schema) {
  if (!schema.is_object()) return "any";
  std::string type = "any";
  if (schema.contains("type")) {
    const auto& t = schema["type"];
    if (t.is_string()) {
      type = t.get<std::string>();
    } else if (t.is_array()) {
      type.clear();
      for (const auto& option : t) type += (type.empty() ? "" : "|") + option.dump();
    }
  }
  if ((type == "array" || type == "tuple") && schema.contains("items")) type += "<" + type_signature(schema["items"]) + ">";
  if (schema.contains("enum") && schema["enum"].is_array()) {
    std::string values;
    for (const auto& value : schema["enum"]) {
      values += (values.empty() ? "" : "|") + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    type += "{" + values + "}";
  }
  return type;
}

}  // namespace

std::string render_tool_signatures(const json& tools) {
  std::string out;
  for (const auto& tool : tools) {
    if (!tool.is_object()) continue;
    out += tool.value("name", std::string("?")) + "(";
    const json parameters = tool.value("parameters", json::object());
    const json properties = parameters.is_object() ? parameters.value("properties", json::object()) : json::object();
    const json required = parameters.is_object() ? parameters.value("required", json::array()) : json::array();
    bool first = true;
    for (const auto& [name, schema] : properties.items()) {
      bool is_required = false;
      for (const auto& r : required) is_required = is_required || (r.is_string() && r.get<std::string>() == name);
      out += (first ? "" : ",") + name + (is_required ? "" : "?") + ":" + type_signature(schema);
      first = false;
    }
    out += ")\n";
  }
  return out;
}

std::string model_input_text(const std::string& base_output, bool lenient) {
  if (!lenient) return base_output;
  const auto parsed = parse_lenient(base_output);
  if (parsed.calls && !parsed.calls->empty()) return render_canonical(*parsed.calls);
  return base_output;
}

// ==== FunctionCallCodec ====

FunctionCallCodec::FunctionCallCodec(int context_len, int output_len, bool lenient_input)
    : context_len_(context_len), output_len_(output_len), lenient_input_(lenient_input) {}

EncodedRecord FunctionCallCodec::encode(const Record& record, const std::string& base_output) const {
  EncodedRecord encoded;
  auto& example = encoded.example;
  example.inputs.assign(seq_len(), ByteTokens::kPad);
  example.labels.assign(seq_len(), kIgnoreLabel);

  // 1. context region: signatures, SEP, query
  const std::string signatures = render_tool_signatures(record.tools);
  const std::size_t context_tokens = signatures.size() + 1 + record.query.size();
  if (context_tokens > static_cast<std::size_t>(context_len_)) {
    encoded.not_fit_reason = "context is " + std::to_string(context_tokens) + " tokens, limit task.context_len=" +
                             std::to_string(context_len_);
    return encoded;
  }
  std::size_t position = 0;
  for (unsigned char c : signatures) example.inputs[position++] = ByteTokens::encode(c);
  example.inputs[position++] = ByteTokens::kSep;
  for (unsigned char c : record.query) example.inputs[position++] = ByteTokens::encode(c);

  // 2. output region input: the base output as the model reads it
  const std::string model_text = model_input_text(base_output, lenient_input_);
  if (model_text.size() > static_cast<std::size_t>(output_len_)) {
    encoded.not_fit_reason = "base output is " + std::to_string(model_text.size()) +
                             " tokens, limit task.output_len=" + std::to_string(output_len_);
    return encoded;
  }
  position = context_len_;
  for (unsigned char c : model_text) example.inputs[position++] = ByteTokens::encode(c);

  // 3. labels: canonical gold and one EOS
  if (record.gold) {
    const std::string target = render_canonical(*record.gold);
    if (target.size() + 1 > static_cast<std::size_t>(output_len_)) {
      encoded.not_fit_reason = "gold answer is " + std::to_string(target.size() + 1) +
                               " tokens with its end marker, limit task.output_len=" + std::to_string(output_len_);
      return encoded;
    }
    position = context_len_;
    for (unsigned char c : target) example.labels[position++] = ByteTokens::encode(c);
    example.labels[position] = ByteTokens::kEos;
  }
  return encoded;
}

std::string FunctionCallCodec::decode_output(const std::vector<int32_t>& tokens) const {
  std::string text;
  for (int i = context_len_; i < seq_len() && i < static_cast<int>(tokens.size()); ++i) {
    const int32_t token = tokens[i];
    if (token == ByteTokens::kEos || token == ByteTokens::kPad) break;
    if (token >= ByteTokens::kFirstByte && token < ByteTokens::kVocabSize) {
      text.push_back(static_cast<char>(token - ByteTokens::kFirstByte));
    }
  }
  return text;
}

// ==== Loading ====

std::vector<Record> load_records(const std::vector<std::string>& sources, const std::string& split) {
  std::vector<Record> records;
  auto keep = [&](Record record) {
    if (split.empty() || record.split == split) records.push_back(std::move(record));
  };
  for (const auto& source : sources) {
    if (source == "default") {
      for (auto& record : generate_default_records(GeneratorOptions{})) keep(std::move(record));
      continue;
    }
    for (const auto& path : core::expand_pattern(source)) {
      core::JsonlReader reader(path);
      while (auto line = reader.next()) {
        const std::string where = path + ":" + std::to_string(line->line);
        if (!line->value) throw std::invalid_argument(where + ": " + line->error);
        keep(parse_record(*line->value, where));
      }
    }
  }
  return records;
}

std::vector<Record> corrupt_records(std::vector<Record> records, const FaultModel& faults, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (auto& record : records) {
    if (!record.gold) continue;
    auto corrupted = faults.corrupt(record, rng);
    record.base_output = corrupted.text;
    record.faults = corrupted.faults;
  }
  return records;
}

// ==== FunctionCallTask ====

FunctionCallTask::FunctionCallTask(const core::TaskConfig& task, const core::DataConfig& data)
    : codec_(task.context_len, task.output_len, task.lenient_input),
      faults_(FaultConfig::from_yaml(core::YamlFields(task.faults, "task.faults"))),
      simulate_faults_(data.simulate_faults) {
  faults_.config().validate("task.faults");

  // 1. training records: need gold, and gold and context must fit the layout
  for (auto& record : load_records(data.train, data.train_split)) {
    if (!record.gold) continue;
    if (!simulate_faults_ && !record.base_output) {
      throw std::invalid_argument("training record '" + record.id +
                                  "' has no base_output and data.simulate_faults is false");
    }
    const auto check = codec_.encode(record, simulate_faults_ ? render_canonical(*record.gold) : *record.base_output);
    if (!check.fits()) {
      ++train_not_fit_;
      continue;
    }
    train_.push_back(std::move(record));
  }
  if (train_.empty()) throw std::invalid_argument("data.train: no training record with gold fits the task layout");

  // 2. dev examples: fixed simulated faults, so every evaluation uses the same inputs
  auto dev_records = load_records(data.dev, data.dev_split);
  if (simulate_faults_) dev_records = corrupt_records(std::move(dev_records), faults_, data.dev_fault_seed);
  for (const auto& record : dev_records) {
    if (data.dev_max_records > 0 && static_cast<int>(dev_.size()) >= data.dev_max_records) break;
    if (!record.gold || !record.base_output) continue;
    auto encoded = codec_.encode(record, *record.base_output);
    if (!encoded.fits()) {
      ++dev_not_fit_;
      continue;
    }
    dev_.push_back(std::move(encoded.example));
  }
  spdlog::info("[data] function_call: {} training records ({} do not fit), {} dev examples ({} do not fit)",
               train_.size(), train_not_fit_, dev_.size(), dev_not_fit_);
}

Example FunctionCallTask::train_example(std::size_t index, std::mt19937_64& rng) const {
  const Record& record = train_.at(index);
  // A simulated base output that is too long for the output region is drawn again.
  // The clean gold always fits, because the constructor dropped records whose gold does not.
  constexpr int kMaxDraws = 4;
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    const std::string base = simulate_faults_ ? faults_.corrupt(record, rng).text : *record.base_output;
    auto encoded = codec_.encode(record, base);
    if (encoded.fits()) return std::move(encoded.example);
    if (!simulate_faults_) break;
  }
  return codec_.encode(record, render_canonical(*record.gold)).example;
}

std::string FunctionCallTask::describe_prediction(const std::vector<int32_t>& tokens) const {
  return codec_.decode_output(tokens);
}

}  // namespace trm::tasks::function_call
