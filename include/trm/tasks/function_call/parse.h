#pragma once
// Reading base-model outputs: the strict reading a production consumer would
// do (`json.loads` plus a shape check), and a lenient reading that undoes
// common surface faults so the model sees a cleaner input.

#include "trm/tasks/function_call/calls.h"

#include <optional>
#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// Outcome of the strict reading of an output string.
struct StrictParse {
  /// The whole string (surrounding whitespace allowed) is one valid JSON value.
  bool json_ok = false;
  /// That value is a non-empty array of objects with exactly a string `name`
  /// and an object `arguments` (an `arguments` given as a JSON string is NOT
  /// accepted here).
  bool shape_ok = false;
  /// The calls when shape_ok.
  CallList calls;
};

/// Reads `text` strictly: no repairs of any kind.
StrictParse parse_strict(const std::string& text);

/// Outcome of the lenient reading.
struct LenientParse {
  /// Calls recovered, or nullopt when nothing could be read. The list is
  /// empty only when the output, without special tokens and fences, is `[]`
  /// (the model chose no call).
  std::optional<CallList> calls;
  /// Names of the repairs that were needed, each once, in the order first
  /// applied (text-level repairs before the reader's). The names are
  /// `strip_special_tokens`, `strip_fence`, `strip_prose`, `python_syntax`
  /// (call syntax, tuples, `(name, arguments)` pairs), `python_literals`,
  /// `single_quotes`, `decode_string_arguments`, `trailing_comma`,
  /// `close_brackets` (at the end of the input or before a closer of another
  /// kind), `drop_trailing_garbage`, `single_object`, `join_call_lists`
  /// (several call lists or calls one after another, e.g. one per line).
  /// Empty when the strict reading already succeeded or nothing was read.
  std::vector<std::string> repairs;
};

/// Reads `text` leniently. Accepts the strict form, a single call object,
/// Python-call syntax `[f(a=1), g(b="x")]` and `f(a=1)`, Python literals
/// (True/False/None), single-quoted strings, arguments double-encoded as a
/// JSON string, markdown fences, prose around the calls, leaked special tokens
/// (`<end_of_turn>`, `[TOOL_CALLS]`, `<|...|>`, `<tool_call>`), trailing
/// commas, missing closing brackets at the end, and trailing garbage after the
/// last complete call. Keyword values must be literals: a variable, an
/// expression (`a=x+1`), a nested call or a positional argument makes the
/// output unreadable (nullopt) rather than partly read. Never throws.
LenientParse parse_lenient(const std::string& text);

}  // namespace trm::tasks::function_call
