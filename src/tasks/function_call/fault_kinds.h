#pragma once
// The individual faults of the fault model (faults.h), one function per fault
// kind, grouped by the stage they act on: the call structure, the rendering
// of the calls as text, and the text itself. FaultModel picks the kinds and
// runs these functions in stage order. Every function returns true only when
// it changed its input, so a label is never attached to an output it did not
// change.

#include "trm/tasks/function_call/calls.h"
#include "trm/tasks/function_call/record.h"

#include <cstddef>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace trm::tasks::function_call::fault_kinds {

// ---------------------------------------------------------------------------
// Stage 1: faults on the call structure (schema and value faults).

/// Calls being corrupted and what the call faults need to know about them.
struct CallState {
  CallList calls;
  /// Tool definition of each call, or null when the record has no tool of
  /// that name. Resolved from the gold names before any fault, so a call
  /// keeps its schema after misspelt_name changed its name.
  std::vector<const json*> tools;
  /// Acceptable values of each call's arguments (BFCL's `{param: [values]}`),
  /// or null when the record has no `acceptable` entry for the call.
  std::vector<const json*> acceptable;
  /// Arguments a fault already changed or added, as (call index, argument
  /// name). Later faults leave them alone, so each fault stays visible.
  std::set<std::pair<std::size_t, std::string>> touched;
};

/// Builds the state for `record.gold`, which must be present.
CallState make_call_state(const Record& record);

bool misspell_name(CallState& state, const Record& record, std::mt19937_64& rng);
bool drop_required_argument(CallState& state, const Record& record, std::mt19937_64& rng);
bool invent_argument(CallState& state, const Record& record, std::mt19937_64& rng);
bool change_value(CallState& state, const Record& record, std::mt19937_64& rng);
bool change_enum_case(CallState& state, const Record& record, std::mt19937_64& rng);
bool change_type(CallState& state, const Record& record, std::mt19937_64& rng);

// ---------------------------------------------------------------------------
// Stage 2: how the calls are written.

/// Choices of the fault renderer. The default style gives the canonical
/// rendering (render_canonical).
struct RenderStyle {
  /// BFCL's Python-call syntax `[f(a=1, b="x")]` instead of JSON objects.
  bool python_call = false;
  /// In Python-call syntax: write true/false/null instead of True/False/None
  /// (real prompt-mode outputs mix the two).
  bool python_call_json_literals = false;
  /// True/False/None in JSON.
  bool python_literals = false;
  /// Quote character of every string, keys included.
  char quote = '"';
  /// Each call's arguments written as one JSON string.
  bool double_encoded = false;
  /// Ordinal (in writing order) of the argument string value written with
  /// unescaped inner quotes, or -1 for none.
  int unescaped_string = -1;
  /// Index (modulo the word count) of the word of that string that gets the
  /// inner quotes when the string contains none.
  std::size_t unescaped_word = 0;
  /// Pretty-printing indent in spaces, or -1 for compact output.
  int indent = -1;
  /// When non-zero, seeds the insertion of whitespace runs after separators.
  std::uint64_t whitespace_seed = 0;
};

/// Renders calls in `style`.
std::string render_styled(const CallList& calls, const RenderStyle& style);

bool choose_python_syntax(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);
bool choose_python_literals(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);
bool choose_single_quotes(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);
bool choose_double_encoded_args(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);
bool choose_unescaped_quotes(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);
bool choose_runaway_whitespace(RenderStyle& style, const CallList& calls, std::mt19937_64& rng);

// ---------------------------------------------------------------------------
// Stage 3: edits of the rendered text.

bool drop_comma(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool add_trailing_comma(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool drop_bracket(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool add_bracket(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool truncate_text(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool append_garbage(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool add_special_tokens(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool add_fence(std::string& text, const CallList& calls, std::mt19937_64& rng);
bool add_prose(std::string& text, const CallList& calls, std::mt19937_64& rng);

// ---------------------------------------------------------------------------
// A whole output without a call.

/// Writes prose that asks the user for one of the gold arguments instead of
/// calling the function (what some chat models do when unsure).
std::string ask_instead_of_calling(const CallList& gold, std::mt19937_64& rng);

}  // namespace trm::tasks::function_call::fault_kinds
