#include "trm/tasks/function_call/answer_match.h"

#include <vector>

namespace trm::tasks::function_call {

namespace {

// BFCL's standardize_string: drops spaces and the characters `,./-_*^`,
// lower-cases, and turns single quotes into double quotes.
// NOTE: only ASCII letters are lower-cased, where Python's str.lower() also
// folds other scripts.
std::string normalize(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case ' ': case ',': case '.': case '/': case '-': case '_': case '*': case '^':
        continue;
      case '\'':
        out += '"';
        continue;
      default:
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

// Position of a value in an argument, which decides BFCL's number rules.
enum class Depth {
  kParameter,     // the value of a parameter
  kArrayElement,  // an element of an array-valued parameter
  kNested,        // anything deeper, or inside a dict
};

bool matches_option(const json& value, const json& option, Depth depth);

// True when `value` matches one of `options`, BFCL's list of acceptable
// values. A non-list entry (a quirk of a few BFCL answers) is one option.
bool matches_any(const json& value, const json& options, Depth depth) {
  if (!options.is_array()) return matches_option(value, options, depth);
  for (const json& option : options) {
    if (matches_option(value, option, depth)) return true;
  }
  return false;
}

// "" among the acceptable values marks a parameter that may be omitted.
bool may_omit(const json& options) {
  if (!options.is_array()) return false;
  for (const json& option : options) {
    if (option.is_string() && option.get_ref<const std::string&>().empty()) return true;
  }
  return false;
}

// A dict option is BFCL's per-key structure `{key: [acceptable values]}`:
// every given key must be listed with an acceptable value, and every listed
// key that may not be omitted must be given.
bool matches_dict(const json& value, const json& option, Depth depth) {
  for (const auto& [key, item] : value.items()) {
    const auto options = option.find(key);
    if (options == option.end() || !matches_any(item, *options, depth)) return false;
  }
  for (const auto& [key, options] : option.items()) {
    if (!value.contains(key) && !may_omit(options)) return false;
  }
  return true;
}

// BFCL type-checks a parameter value and the elements of an array parameter
// against the schema, whose type the listed answer mirrors, and compares
// anything deeper with Python's ==. So an int matches a listed float for a
// parameter (Python's int-to-float promotion) but not as an array element,
// a float never matches a listed int at those two depths, and deeper both
// compare by value.
bool matches_number(const json& value, const json& option, Depth depth) {
  if (!option.is_number()) return false;
  const bool same_kind = value.is_number_float() == option.is_number_float();
  switch (depth) {
    case Depth::kParameter:
      // NOTE: BFCL also accepts 5.0 for a float parameter whose answer lists
      // 5 (two BFCL records). Without the schema that case looks like an
      // integer parameter, so it is rejected here.
      if (!same_kind && value.is_number_float()) return false;
      break;
    case Depth::kArrayElement:
      if (!same_kind) return false;
      break;
    case Depth::kNested:
      break;
  }
  return value == option;
}

bool matches_option(const json& value, const json& option, Depth depth) {
  if (value.is_string()) {
    return option.is_string() &&
           normalize(value.get_ref<const std::string&>()) == normalize(option.get_ref<const std::string&>());
  }
  if (value.is_boolean() || value.is_null()) return value == option;
  if (value.is_number()) return matches_number(value, option, depth);

  if (value.is_array()) {
    if (!option.is_array() || option.size() != value.size()) return false;
    const Depth element_depth = depth == Depth::kParameter ? Depth::kArrayElement : Depth::kNested;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!matches_option(value[i], option[i], element_depth)) return false;
    }
    return true;
  }
  if (value.is_object()) return option.is_object() && matches_dict(value, option, Depth::kNested);
  return false;
}

// One call against one answer `{function_name: {param: [acceptable values]}}`.
bool matches_answer(const Call& call, const json& answer) {
  if (!answer.is_object() || answer.size() != 1) return false;
  const auto entry = answer.begin();
  if (entry.key() != call.name || !entry.value().is_object()) return false;
  // Every given argument must be listed with an acceptable value, and every
  // listed parameter that may not be omitted must be given.
  return matches_dict(call.arguments, entry.value(), Depth::kParameter);
}

// Assigns calls to answers one answer at a time, backtracking when a later
// answer finds no call left. BFCL assigns greedily (first match wins), so it
// can reject an output that has a valid assignment. This function accepts it.
bool assign(const std::vector<std::vector<bool>>& match, std::size_t answer, std::vector<bool>& used) {
  if (answer == match.size()) return true;
  for (std::size_t call = 0; call < used.size(); ++call) {
    if (used[call] || !match[answer][call]) continue;
    used[call] = true;
    if (assign(match, answer + 1, used)) return true;
    used[call] = false;
  }
  return false;
}

}  // namespace

bool bfcl_acceptable(const CallList& calls, const json& acceptable, bool order_insensitive) {
  if (!acceptable.is_array() || acceptable.size() != calls.size()) return false;

  if (!order_insensitive) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (!matches_answer(calls[i], acceptable[i])) return false;
    }
    return true;
  }

  std::vector<std::vector<bool>> match(acceptable.size(), std::vector<bool>(calls.size()));
  for (std::size_t answer = 0; answer < acceptable.size(); ++answer) {
    for (std::size_t call = 0; call < calls.size(); ++call) {
      match[answer][call] = matches_answer(calls[call], acceptable[answer]);
    }
  }
  std::vector<bool> used(calls.size(), false);
  return assign(match, 0, used);
}

}  // namespace trm::tasks::function_call
