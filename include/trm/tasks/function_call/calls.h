#pragma once
// Function calls as the function-call task sees them, and their canonical
// rendering: the text the model is trained to write.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace trm::tasks::function_call {

using json = nlohmann::json;

/// One function call: the function name and its arguments (a JSON object).
struct Call {
  std::string name;
  /// Argument name to value. Always a JSON object; nlohmann::json keeps keys sorted.
  json arguments = json::object();

  bool operator==(const Call& other) const {
    return name == other.name && arguments == other.arguments;
  }
};

/// The calls of one output, in the order they were written.
using CallList = std::vector<Call>;

/// Compact JSON of one value as the canonical rendering writes it: keys in
/// sorted order, UTF-8 kept, invalid UTF-8 (possible in strings read leniently
/// from model output) replaced by U+FFFD instead of making dump() throw.
std::string dump_compact(const json& value);

/// Renders calls canonically: compact JSON `[{"name":...,"arguments":{...}}]`
/// with `name` before `arguments`, argument keys sorted (at every depth),
/// non-ASCII characters kept as UTF-8 and invalid UTF-8 replaced by U+FFFD.
/// Two equal call lists always render to the same bytes.
std::string render_canonical(const CallList& calls);

/// Converts a JSON call list (`[{"name": str, "arguments": object}, ...]`) to
/// calls. Names must be non-empty and no other keys are allowed. Throws
/// std::invalid_argument naming the element and field when the value does not
/// have that shape, e.g. `calls[1]: field 'arguments': must be an object, got
/// string`; `label` replaces `calls` in those messages.
CallList calls_from_json(const json& value, const std::string& label = "calls");

/// The inverse of calls_from_json.
json calls_to_json(const CallList& calls);

}  // namespace trm::tasks::function_call
