#pragma once
// Schema-constrained decoding of the output region. A character-level
// automaton accepts exactly the canonical renderings of call lists whose
// functions and arguments fit a record's tools. A beam search then picks the
// highest-probability accepted text from per-position token probabilities.
//
// The automaton covers the schema features it can express exactly: types,
// enums, required and optional properties (closed objects, keys in sorted
// order), nested objects and arrays. Bounds (minimum, maxLength, pattern,
// minItems, ...) are not part of it, so a decoded text is validated once
// more at the end. A schema with anyOf, oneOf, allOf, not, if, $ref, const,
// patternProperties, tuple items or several non-null types is reported as
// unsupported and left to unconstrained decoding.

#include "trm/tasks/function_call/calls.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trm::tasks::function_call {

struct GrammarNode;

/// The automaton of one record's valid call lists.
class CallGrammar {
 public:
  /// Compiles the function definitions in `tools`.
  explicit CallGrammar(const json& tools);
  ~CallGrammar();
  CallGrammar(const CallGrammar&) = delete;
  CallGrammar& operator=(const CallGrammar&) = delete;

  /// False when a schema uses a feature the automaton cannot express.
  bool supported() const { return unsupported_reason_.empty(); }
  /// The reason, e.g. `get_weather.unit: anyOf`; empty when supported.
  const std::string& unsupported_reason() const { return unsupported_reason_; }
  const GrammarNode* root() const { return root_; }

  /// True when the automaton accepts `text` as a whole.
  bool accepts(const std::string& text) const;

 private:
  friend struct GrammarBuilder;
  std::vector<std::unique_ptr<GrammarNode>> nodes_;
  const GrammarNode* root_ = nullptr;
  std::string unsupported_reason_;
};

/// The result of a constrained decode.
struct ConstrainedText {
  std::string text;
  /// Sum of the log-probabilities of the chosen tokens, the end marker included.
  double log_prob = 0.0;
};

/// Runs a beam search over the output region. `log_probs` contains `positions` rows of
/// `vocab_size` log-probabilities (row-major, byte tokens as ByteTokens
/// numbers them). Each beam keeps the `beam_width` best prefixes the
/// automaton accepts; a beam ends with the end marker once the automaton has
/// a complete call list. A prefix is kept only while the shortest text that
/// completes it still fits, so the result is empty only when no accepted text
/// fits in `positions` at all. Returns the best ended beams, best first (at
/// most `beam_width`).
std::vector<ConstrainedText> decode_constrained(const CallGrammar& grammar, const float* log_probs, int positions,
                                                int vocab_size, int beam_width = 4);

}  // namespace trm::tasks::function_call
