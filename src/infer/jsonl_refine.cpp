#include "trm/infer/jsonl_refine.h"

#include "trm/core/jsonl.h"
#include "trm/model/batch.h"
#include "trm/tasks/function_call/constrained.h"
#include "trm/tasks/function_call/parse.h"
#include "trm/tasks/function_call/schema.h"
#include "trm/tasks/function_call/task.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <stdexcept>

namespace trm::infer {
namespace fc = tasks::function_call;
namespace {

// One input line on its way to the output.
struct PendingLine {
  std::size_t line = 0;
  nlohmann::json output;
  /// Index into the model's example list, when the model refines this line.
  std::optional<std::size_t> example;
  /// The record's base output validates against its tools.
  bool base_valid = false;
};

nlohmann::json error_line(std::size_t line, const nlohmann::json* value, const std::string& message) {
  nlohmann::json out = (value && value->is_object()) ? *value : nlohmann::json::object();
  out["line"] = line;
  out["refined_output"] = nullptr;
  out["steps"] = 0;
  out["stop_reason"] = "error";
  out["error"] = message;
  return out;
}

}  // namespace

JsonlRefineSummary refine_jsonl(const JsonlRefineOptions& options, model::LoadedModel* model,
                                const torch::Device& device) {
  if (options.mode == RefineMode::kModel && model == nullptr) {
    throw std::invalid_argument("refine: a checkpoint is required unless --passthrough or --lenient-only is given");
  }
  const auto start = std::chrono::steady_clock::now();
  JsonlRefineSummary summary;

  std::optional<fc::FunctionCallCodec> codec;
  if (model) {
    const auto& task = model->config.task;
    codec.emplace(task.context_len, task.output_len, task.lenient_input);
  }

  // 1. read every line; records the model can take become examples
  std::vector<PendingLine> pending;
  std::vector<tasks::Example> examples;
  std::vector<nlohmann::json> example_tools;  // tools of each example, for the validity check
  std::vector<std::size_t> example_pending;   // index into `pending` of each example
  core::JsonlReader reader(options.input_path);
  while (auto line = reader.next()) {
    ++summary.lines;
    PendingLine item;
    item.line = line->line;
    const std::string where = options.input_path + ":" + std::to_string(line->line);
    if (!line->value) {
      item.output = error_line(line->line, nullptr, where + ": " + line->error);
      pending.push_back(std::move(item));
      continue;
    }

    fc::Record record;
    try {
      record = fc::parse_record(*line->value, where);
      if (!record.base_output) throw std::invalid_argument(where + ": field 'base_output': missing (required for refine)");
    } catch (const std::invalid_argument& e) {
      item.output = error_line(line->line, &*line->value, e.what());
      pending.push_back(std::move(item));
      continue;
    }

    item.output = fc::record_to_json(record);
    item.output["line"] = line->line;
    const std::string& base = *record.base_output;
    item.base_valid = options.mode == RefineMode::kModel && fc::output_validates(base, record.tools);
    if (options.mode == RefineMode::kPassthrough) {
      item.output["refined_output"] = base;
      item.output["steps"] = 0;
      item.output["stop_reason"] = "passthrough";
    } else if (options.mode == RefineMode::kLenient) {
      item.output["refined_output"] = fc::model_input_text(base, /*lenient=*/true);
      item.output["steps"] = 0;
      item.output["stop_reason"] = "lenient";
    } else if (item.base_valid && options.valid_base == ValidBasePolicy::kKeep) {
      item.output["refined_output"] = base;
      item.output["steps"] = 0;
      item.output["stop_reason"] = "valid_base";
      ++summary.kept_valid;
    } else {
      auto encoded = codec->encode(record, base);
      if (!encoded.fits()) {
        item.output["refined_output"] = base;
        item.output["steps"] = 0;
        item.output["stop_reason"] = "not_fit";
        item.output["not_fit_reason"] = encoded.not_fit_reason;
      } else {
        item.example = examples.size();
        examples.push_back(std::move(encoded.example));
        example_tools.push_back(record.tools);
        example_pending.push_back(pending.size());
      }
    }
    pending.push_back(std::move(item));
  }

  // 2. refine the examples in batches
  std::vector<RefineResult> results;
  RefineStats stats;
  RefineHooks hooks;
  hooks.is_valid = [&](std::size_t index, const std::vector<int32_t>& tokens) {
    return fc::output_validates(codec->decode_output(tokens), example_tools[index]);
  };
  std::optional<core::AtomicJsonlWriter> trace;
  if (!options.trace_path.empty()) {
    trace.emplace(options.trace_path);
    hooks.on_step = [&](const StepTrace& step) {
      const auto& line = pending[example_pending[step.index]];
      trace->write({{"line", line.line},
                    {"id", line.output.value("id", "")},
                    {"step", step.step},
                    {"output", codec->decode_output(*step.tokens)},
                    {"valid", step.valid.value_or(false)},
                    {"halt_probability", step.halt_probability}});
    };
  }
  // Constrained decoding of each example's last step, over the output region.
  std::vector<std::optional<std::string>> constrained_text(examples.size());
  std::vector<std::string> decode_note(examples.size(), "argmax");
  if (options.constrained) {
    hooks.on_finish = [&](std::size_t index, const torch::Tensor& logits) {
      // An argmax output that already validates is kept: the beam search
      // compares texts of different lengths and could trade it for a shorter one.
      const auto argmax = model::argmax_rows(logits.unsqueeze(0)).front();
      std::string argmax_text = codec->decode_output(argmax);
      if (fc::output_validates(argmax_text, example_tools[index])) {
        constrained_text[index] = std::move(argmax_text);
        decode_note[index] = "argmax_valid";
        return;
      }
      const fc::CallGrammar grammar(example_tools[index]);
      if (!grammar.supported()) {
        decode_note[index] = "argmax: schema not supported (" + grammar.unsupported_reason() + ")";
        return;
      }
      auto rows = torch::log_softmax(logits.narrow(0, codec->context_len(), codec->output_len()).to(torch::kFloat32), -1)
                      .to(torch::kCPU)
                      .contiguous();
      const auto candidates = fc::decode_constrained(grammar, rows.data_ptr<float>(), codec->output_len(),
                                                     static_cast<int>(rows.size(1)), options.beam_width);
      for (const auto& candidate : candidates) {
        if (!fc::output_validates(candidate.text, example_tools[index])) continue;  // a bound the automaton does not model
        constrained_text[index] = candidate.text;
        decode_note[index] = "constrained";
        return;
      }
      decode_note[index] = candidates.empty() ? "argmax: no valid text fits the output region"
                                              : "argmax: no decoded text passed the bounds of the schema";
    };
  }
  if (!examples.empty()) {
    Refiner refiner(model->model, device);
    results = refiner.run(examples, options.refine, &stats, hooks);
  }
  const double model_ms_per_example = examples.empty() ? 0.0 : stats.wall_ms / static_cast<double>(examples.size());

  // 3. write one output line per input line, in input order
  core::AtomicJsonlWriter writer(options.output_path);
  for (auto& item : pending) {
    if (item.example) {
      const std::size_t index = *item.example;
      const auto& result = results[index];
      const std::string text = constrained_text[index] ? *constrained_text[index] : codec->decode_output(result.tokens);
      item.output["refined_output"] = text;
      if (options.constrained) {
        item.output["decode"] = decode_note[index];
        ++(constrained_text[index] ? summary.constrained : summary.unconstrained);
      }
      // Never worse: a valid base output stays unless the refined one validates too. Under
      // constrained decoding the change must be valid before the constraint (argmax_valid):
      // the constraint repairs invalid outputs, it does not license replacing a valid one.
      const bool valid_change =
          options.constrained ? decode_note[index] == "argmax_valid" : result.valid.value_or(false);
      if (item.base_valid && !valid_change) {
        item.output["refined_output"] = item.output["base_output"];
        item.output["reverted_to_base"] = true;
        ++summary.reverted;
      }
      item.output["steps"] = result.steps;
      item.output["stop_reason"] = result.stop_reason;
      item.output["halt_probability"] = result.halt_probability;
      item.output["ms"] = model_ms_per_example;
      ++summary.refined;
      summary.steps += result.steps;
    } else {
      if (item.output.contains("error")) ++summary.errors;
      if (item.output.value("stop_reason", "") == "not_fit") ++summary.not_fit;
      item.output["ms"] = 0.0;
    }
    writer.write(item.output);
  }
  writer.commit();
  if (trace) trace->commit();

  summary.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace trm::infer
