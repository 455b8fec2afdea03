// Per-record checks of `trm eval`: reading one refine output line and judging
// its base and refined outputs strictly.

#include "trm/core/jsonl.h"
#include "trm/eval/report.h"
#include "trm/tasks/function_call/answer_match.h"
#include "trm/tasks/function_call/parse.h"
#include "trm/tasks/function_call/record.h"

#include <exception>
#include <limits>
#include <stdexcept>
#include <utility>

namespace trm::eval {

namespace fc = tasks::function_call;

namespace {

// Compares call lists, as multisets when `order_insensitive`, because BFCL
// accepts the calls of parallel categories in any order.
bool calls_equal(const fc::CallList& calls, const fc::CallList& gold, bool order_insensitive) {
  if (calls.size() != gold.size()) return false;
  if (!order_insensitive) return calls == gold;

  std::vector<bool> used(gold.size(), false);
  for (const fc::Call& call : calls) {
    bool matched = false;
    for (std::size_t i = 0; i < gold.size(); ++i) {
      if (!used[i] && gold[i] == call) {
        used[i] = true;
        matched = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return true;
}

OutputChecks check_output(const std::string& text, const fc::Record& record) {
  OutputChecks checks;
  const fc::StrictParse parsed = fc::parse_strict(text);
  checks.json_ok = parsed.json_ok;
  checks.shape_ok = parsed.shape_ok;

  if (checks.shape_ok) {
    checks.schema_issues = fc::validate_calls(parsed.calls, record.tools, &checks.schema_not_checked);
    checks.schema_ok = checks.schema_issues.empty();
  }

  const bool order_insensitive = is_order_insensitive(record.category);
  if (record.gold) {
    checks.exact = checks.shape_ok && calls_equal(parsed.calls, *record.gold, order_insensitive);
  }
  if (record.acceptable) {
    checks.acceptable = checks.shape_ok && fc::bfcl_acceptable(parsed.calls, *record.acceptable, order_insensitive);
  }
  return checks;
}

std::string describe_location(const RecordEval& result) {
  return result.id.empty() ? std::string("refine output line") : "record '" + result.id + "'";
}

std::string type_error(const std::string& where, const std::string& field, const std::string& rule,
                       const json& value) {
  std::string got = value.type_name();
  if (value.is_number()) got += " " + value.dump();
  return where + ": field '" + field + "': " + rule + ", got " + got;
}

// Copies id, category and faults where they are well-formed, so that even an
// error line is counted under its category and fault labels.
void read_identity(const json& line, RecordEval& result) {
  if (line.contains("id") && line["id"].is_string()) result.id = line["id"].get<std::string>();
  if (line.contains("id") && line["id"].is_number()) result.id = line["id"].dump();
  if (line.contains("category") && line["category"].is_string()) {
    result.category = line["category"].get<std::string>();
  }
  if (line.contains("faults") && line["faults"].is_array()) {
    for (const json& label : line["faults"]) {
      if (label.is_string()) result.faults.push_back(label.get<std::string>());
    }
  }
}

std::string read_error_field(const json& error) {
  return error.is_string() ? error.get<std::string>() : error.dump();
}

// Whether an optional field is given; null counts as absent, as in parse_record.
bool has_field(const json& line, const char* key) { return line.contains(key) && !line[key].is_null(); }

// Reads the refinement fields that parse_record does not know. `steps`,
// `stop_reason` and `ms` are optional so that hand-written lines stay short,
// but a present field of the wrong type is an error.
void read_refinement_fields(const json& line, const std::string& where, RecordEval& result) {
  if (has_field(line, "steps")) {
    const json& steps = line["steps"];
    if (!steps.is_number_integer() || steps.get<long long>() < 0 ||
        steps.get<long long>() > std::numeric_limits<int>::max()) {
      throw std::invalid_argument(type_error(where, "steps", "must be a non-negative integer", steps));
    }
    result.steps = steps.get<int>();
  }
  if (has_field(line, "stop_reason")) {
    const json& stop_reason = line["stop_reason"];
    if (!stop_reason.is_string()) {
      throw std::invalid_argument(type_error(where, "stop_reason", "must be a string", stop_reason));
    }
    result.stop_reason = stop_reason.get<std::string>();
  }
  if (has_field(line, "ms")) {
    const json& ms = line["ms"];
    if (!ms.is_number()) throw std::invalid_argument(type_error(where, "ms", "must be a number", ms));
    result.ms = ms.get<double>();
  }
}

void evaluate_outputs(const json& line, RecordEval& result) {
  const std::string where = describe_location(result);
  const fc::Record record = fc::parse_record(line, where);
  result.id = record.id;
  result.faults = record.faults;

  if (!record.base_output) {
    throw std::invalid_argument(where + ": field 'base_output': missing, a refine output line must carry it");
  }
  if (!line.contains("refined_output") || !line["refined_output"].is_string()) {
    const json refined = line.contains("refined_output") ? line["refined_output"] : json();
    throw std::invalid_argument(type_error(where, "refined_output", "must be a string on a line without 'error'",
                                           refined));
  }
  read_refinement_fields(line, where, result);

  result.base = check_output(*record.base_output, record);
  result.refined = check_output(line["refined_output"].get<std::string>(), record);
}

}  // namespace

bool is_order_insensitive(const std::string& category) {
  return category.rfind("parallel", 0) == 0 || category.rfind("live_parallel", 0) == 0;
}

RecordEval evaluate_record(const json& line) {
  RecordEval result;
  if (!line.is_object()) {
    result.error = std::string("refine output line: must be a JSON object, got ") + line.type_name();
    return result;
  }

  read_identity(line, result);
  if (has_field(line, "error")) {
    result.error = read_error_field(line["error"]);
    return result;
  }

  // The contract is to report a malformed line, never to throw. parse_record
  // raises std::invalid_argument, and the validators may raise on malformed
  // tools or possible answers.
  try {
    evaluate_outputs(line, result);
  } catch (const std::exception& e) {
    result.error = e.what();
    result.base = OutputChecks();
    result.refined = OutputChecks();
  }
  return result;
}

Report evaluate_file(const std::string& path) {
  core::JsonlReader reader(path);
  std::vector<RecordEval> records;
  while (std::optional<core::JsonlLine> line = reader.next()) {
    RecordEval record;
    if (line->value) {
      record = evaluate_record(*line->value);
    } else {
      record.error = line->error;
    }
    record.line = line->line;
    records.push_back(std::move(record));
  }
  return build_report(std::move(records));
}

}  // namespace trm::eval
