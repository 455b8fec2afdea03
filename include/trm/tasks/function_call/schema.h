#pragma once
// Checking calls against the tool definitions of a record (JSON Schema as
// function definitions use it, BFCL's dialect included).

#include "trm/tasks/function_call/calls.h"

#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// One way a call list breaks the tool definitions.
struct SchemaIssue {
  /// Machine-readable kind: `unknown_function`, `missing_required`,
  /// `unknown_argument`, `wrong_type`, `not_in_enum`, `empty_call_list`, or
  /// the JSON Schema keyword that failed (`maximum`, `pattern`, ...).
  std::string kind;
  /// Where: `calls[0].arguments.unit`.
  std::string path;
  /// A sentence for people.
  std::string message;
};

/// Validates calls against `tools` (a JSON array of function definitions):
/// the function exists, and its arguments satisfy `parameters` under the
/// function-call dialect of validate_json() (BFCL's type aliases, listed
/// properties are all the properties, a null default allows null). Returns
/// no issues when valid. Keywords that were not checked are appended to
/// `not_checked` as `keyword at path`.
std::vector<SchemaIssue> validate_calls(const CallList& calls, const json& tools,
                                        std::vector<std::string>* not_checked = nullptr);

/// True when `text` is a strict call list (parse_strict) whose calls
/// validate against `tools`.
bool output_validates(const std::string& text, const json& tools);

}  // namespace trm::tasks::function_call
