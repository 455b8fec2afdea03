#pragma once
// The JSONL record of the function-call task, shared by `trm data`, `trm
// train`, `trm refine` and `trm eval`.

#include "trm/tasks/function_call/calls.h"

#include <optional>
#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// One line of a function-call JSONL file.
///
/// Required fields: `id` (string), `query` (string), `tools` (array of
/// function definitions, BFCL's dialect included). `base_output` (string) is
/// required for refinement and optional for training data, where faults are
/// simulated from `gold`. Every other field of the line is kept in `raw`, so
/// that `trm refine` can pass it through to its output.
struct Record {
  std::string id;
  /// BFCL category (`simple_python`, `live_multiple`, ...); empty when absent.
  std::string category;
  /// Data split (`train`, `dev`); empty when absent.
  std::string split;
  std::string query;
  /// System message text; empty when absent.
  std::string system;
  /// Function definitions as given (JSON array of objects with `name` and `parameters`).
  json tools = json::array();
  /// The base model's raw output; absent in training data without simulated faults.
  std::optional<std::string> base_output;
  /// One canonical correct answer.
  std::optional<CallList> gold;
  /// BFCL possible-answer structure: `[{function_name: {param: [acceptable values]}}]`.
  std::optional<json> acceptable;
  /// Labels of the simulated faults applied to `base_output` (empty for real outputs).
  std::vector<std::string> faults;
  /// The whole input line as parsed, for pass-through.
  json raw = json::object();
};

/// Parses one JSON value into a Record. `where` is a location such as
/// `data/dev.jsonl:12` and starts every error message. Throws
/// std::invalid_argument naming the field and the rule it broke, e.g.
/// `dev.jsonl:12: field 'tools': must be an array, got string`. A numeric
/// `id` is converted to its decimal text, and an optional field set to null
/// counts as absent.
Record parse_record(const json& value, const std::string& where);

/// Converts a Record back to JSON: `raw` with the typed fields written over it.
json record_to_json(const Record& record);

}  // namespace trm::tasks::function_call
