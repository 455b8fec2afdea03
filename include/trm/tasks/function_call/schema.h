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
  /// `unknown_argument`, `wrong_type`, `not_in_enum`, `empty_call_list`.
  std::string kind;
  /// Where: `calls[0].arguments.unit`.
  std::string path;
  /// A sentence for people.
  std::string message;
};

/// Validates calls against `tools` (a JSON array of function definitions).
/// Checks: the function exists; every required argument is present; no
/// argument outside `properties`; types (with the aliases `dict`, `float`,
/// `tuple`, `any` and the Java/JavaScript type names BFCL uses) and enums,
/// recursively for nested objects and arrays. Returns no issues when valid.
std::vector<SchemaIssue> validate_calls(const CallList& calls, const json& tools);

}  // namespace trm::tasks::function_call
