// Rendering faults (how the calls are written), text faults (edits of the
// written text) and the prose written instead of a call.

#include "fault_kinds.h"
#include "random_draw.h"

#include <algorithm>
#include <cctype>

namespace trm::tasks::function_call::fault_kinds {

namespace {

// ---------------------------------------------------------------------------
// Strings and literals.

// The compact JSON dump used by render_canonical, so that the default style
// reproduces it byte for byte.
std::string dump_compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The body of a quoted string (without the outer quotes) for quote character
// `quote`: JSON escapes, except that a single-quoted string leaves `"` bare
// and escapes `'` instead.
std::string escape_body(const std::string& text, char quote) {
  const std::string dumped = dump_compact(json(text));
  const std::string body = dumped.substr(1, dumped.size() - 2);
  if (quote == '"') return body;

  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      if (body[i + 1] != '"') out += '\\';
      out += body[i + 1];
      ++i;
    } else if (body[i] == '\'') {
      out += "\\'";
    } else {
      out += body[i];
    }
  }
  return out;
}

std::string quoted(const std::string& text, char quote) {
  return std::string(1, quote) + escape_body(text, quote) + quote;
}

// A string whose inner quotes are not escaped. A string without the quote
// character gets one of its words quoted, as when a model copies a quotation
// from the request.
std::string quoted_unescaped(const std::string& text, char quote, std::size_t word) {
  if (text.find(quote) != std::string::npos) {
    const std::string body = escape_body(text, quote);
    std::string raw;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] == quote) continue;
      raw += body[i];
    }
    return std::string(1, quote) + raw + quote;
  }

  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::size_t end = space == std::string::npos ? text.size() : space;
    words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const std::size_t chosen = word % words.size();
  std::string body;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) body += ' ';
    const std::string escaped = escape_body(words[i], quote);
    body += i == chosen ? std::string(1, quote) + escaped + quote : escaped;
  }
  return std::string(1, quote) + body + quote;
}

// ---------------------------------------------------------------------------
// The renderer.

class StyledWriter {
 public:
  explicit StyledWriter(const RenderStyle& style) : style_(style) {}

  std::string write(const CallList& calls) {
    out_.clear();
    string_ordinal_ = 0;
    out_ += '[';
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (i > 0) out_ += style_.python_call ? ", " : ",";
      if (style_.python_call) {
        write_python_call(calls[i]);
      } else {
        newline(1);
        write_json_call(calls[i]);
      }
    }
    if (!calls.empty() && !style_.python_call) newline(0);
    out_ += ']';
    return out_;
  }

 private:
  void newline(int depth) {
    if (style_.indent < 0) return;
    out_ += '\n';
    out_.append(static_cast<std::size_t>(style_.indent * depth), ' ');
  }

  std::string key_separator() const { return style_.indent >= 0 || style_.python_call ? ": " : ":"; }

  void write_json_call(const Call& call) {
    out_ += '{';
    newline(2);
    out_ += quoted("name", style_.quote) + key_separator() + quoted(call.name, style_.quote) + ',';
    newline(2);
    out_ += quoted("arguments", style_.quote) + key_separator();
    if (style_.double_encoded) {
      // The inner text is what a native tool-calling API returns: plain JSON.
      out_ += quoted(dump_compact(call.arguments), style_.quote);
    } else {
      write_value(call.arguments, 2, true);
    }
    newline(1);
    out_ += '}';
  }

  void write_python_call(const Call& call) {
    out_ += call.name + '(';
    bool first = true;
    for (const auto& [key, value] : call.arguments.items()) {
      if (!first) out_ += ", ";
      first = false;
      out_ += key + '=';
      write_value(value, 0, true);
    }
    out_ += ')';
  }

  void write_value(const json& value, int depth, bool argument) {
    switch (value.type()) {
      case json::value_t::object:
        write_object(value, depth, argument);
        break;
      case json::value_t::array:
        write_array(value, depth, argument);
        break;
      case json::value_t::string:
        write_string(value.get<std::string>(), argument);
        break;
      case json::value_t::boolean:
        write_boolean(value.get<bool>());
        break;
      case json::value_t::null:
        out_ += python_literals() ? "None" : "null";
        break;
      default:
        out_ += dump_compact(value);
    }
  }

  void write_boolean(bool value) {
    if (python_literals()) {
      out_ += value ? "True" : "False";
    } else {
      out_ += value ? "true" : "false";
    }
  }

  bool python_literals() const {
    return style_.python_literals || (style_.python_call && !style_.python_call_json_literals);
  }

  void write_string(const std::string& text, bool argument) {
    if (argument && static_cast<int>(string_ordinal_++) == style_.unescaped_string) {
      out_ += quoted_unescaped(text, style_.quote, style_.unescaped_word);
    } else {
      out_ += quoted(text, style_.quote);
    }
  }

  void write_object(const json& value, int depth, bool argument) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, element] : value.items()) {
      if (!first) out_ += separator();
      first = false;
      newline(depth + 1);
      out_ += quoted(key, style_.quote) + key_separator();
      write_value(element, depth + 1, argument);
    }
    if (!value.empty()) newline(depth);
    out_ += '}';
  }

  void write_array(const json& value, int depth, bool argument) {
    out_ += '[';
    bool first = true;
    for (const json& element : value) {
      if (!first) out_ += separator();
      first = false;
      newline(depth + 1);
      write_value(element, depth + 1, argument);
    }
    if (!value.empty()) newline(depth);
    out_ += ']';
  }

  std::string separator() const { return style_.python_call ? ", " : ","; }

  const RenderStyle& style_;
  std::string out_;
  std::size_t string_ordinal_ = 0;
};

// ---------------------------------------------------------------------------
// Positions outside quoted strings.

// Indices of characters outside string literals, for either quote character.
// Text with unescaped quotes is read approximately, which only moves where a
// later edit lands.
std::vector<std::size_t> structural_positions(const std::string& text) {
  std::vector<std::size_t> positions;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    positions.push_back(i);
  }
  return positions;
}

std::vector<std::size_t> positions_of(const std::string& text, const std::string& characters) {
  std::vector<std::size_t> found;
  for (const std::size_t i : structural_positions(text)) {
    if (characters.find(text[i]) != std::string::npos) found.push_back(i);
  }
  return found;
}

bool is_closer(char c) { return c == ']' || c == '}' || c == ')'; }

// Inserts runs of newlines or spaces after some separators, as degenerate
// sampling does.
std::string insert_whitespace_runs(const std::string& text, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<std::size_t> separators = positions_of(text, ",:[{(");
  if (separators.empty()) return text + std::string(static_cast<std::size_t>(draw_between(rng, 4, 12)), '\n');

  std::vector<bool> chosen(separators.size(), false);
  const std::size_t runs = std::min<std::size_t>(separators.size(), static_cast<std::size_t>(draw_between(rng, 1, 3)));
  for (std::size_t k = 0; k < runs; ++k) chosen[draw_index(rng, separators.size())] = true;

  std::string out;
  std::size_t next = 0;
  for (std::size_t s = 0; s < separators.size(); ++s) {
    if (!chosen[s]) continue;
    out += text.substr(next, separators[s] + 1 - next);
    next = separators[s] + 1;
    const auto length = static_cast<std::size_t>(draw_between(rng, 6, 24));
    out += draw_unit(rng) < 0.5 ? std::string(length / 3 + 2, '\n') : std::string(length, ' ');
  }
  out += text.substr(next);
  return out;
}

bool has_literal(const json& value) {
  if (value.is_boolean() || value.is_null()) return true;
  if (value.is_array() || value.is_object()) {
    for (const json& element : value) {
      if (has_literal(element)) return true;
    }
  }
  return false;
}

// Ordinals (in writing order) of the non-empty argument strings. The writer
// counts every argument string, empty ones included, so map back to those.
std::vector<int> nonempty_string_ordinals(const CallList& calls) {
  std::vector<int> ordinals;
  int ordinal = 0;
  std::vector<const json*> pending;
  for (auto call = calls.rbegin(); call != calls.rend(); ++call) pending.push_back(&call->arguments);
  // Depth-first in writing order: objects in key order, arrays in order.
  while (!pending.empty()) {
    const json* value = pending.back();
    pending.pop_back();
    if (value->is_string()) {
      if (!value->get<std::string>().empty()) ordinals.push_back(ordinal);
      ++ordinal;
    } else if (value->is_array() || value->is_object()) {
      std::vector<const json*> children;
      for (const json& element : *value) children.push_back(&element);
      for (auto child = children.rbegin(); child != children.rend(); ++child) pending.push_back(*child);
    }
  }
  return ordinals;
}

std::string readable(const std::string& name) {
  std::string out;
  for (const char c : name) out += (c == '_' || c == '.') ? ' ' : c;
  return out;
}

}  // namespace

std::string render_styled(const CallList& calls, const RenderStyle& style) {
  StyledWriter writer(style);
  std::string text = writer.write(calls);
  if (style.whitespace_seed != 0) text = insert_whitespace_runs(text, style.whitespace_seed);
  return text;
}

// ---------------------------------------------------------------------------
// Rendering faults. Each sets its part of the style; FaultModel re-renders
// and keeps the label only when the text changed.

bool choose_python_syntax(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  style.python_call = true;
  // Rates measured on real failing Python-syntax outputs (docs/fault_model.md):
  // about half wrote true/false/null, about a sixth quoted strings with '.
  style.python_call_json_literals = draw_unit(rng) < 0.5;
  style.quote = draw_unit(rng) < 0.17 ? '\'' : '"';
  return true;
}

bool choose_python_literals(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  (void)rng;
  bool any = false;
  for (const Call& call : calls) any = any || has_literal(call.arguments);
  if (!any) return false;
  style.python_literals = true;
  return true;
}

bool choose_single_quotes(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  (void)rng;
  style.quote = '\'';
  return true;
}

bool choose_double_encoded_args(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  (void)rng;
  if (calls.empty()) return false;
  style.double_encoded = true;
  return true;
}

bool choose_unescaped_quotes(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  const std::vector<int> ordinals = nonempty_string_ordinals(calls);
  if (ordinals.empty()) return false;
  style.unescaped_string = draw_element(rng, ordinals);
  style.unescaped_word = static_cast<std::size_t>(rng() % 64);
  return true;
}

bool choose_runaway_whitespace(RenderStyle& style, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  // Indents stay moderate so that the output still fits a byte-level model's
  // output window most of the time.
  if (!style.python_call && draw_unit(rng) < 0.5) {
    style.indent = static_cast<int>(draw_between(rng, 6, 12));
  } else {
    style.whitespace_seed = rng() | 1u;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Text faults.

bool drop_comma(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  const std::vector<std::size_t> commas = positions_of(text, ",");
  if (commas.empty()) return false;
  text.erase(draw_element(rng, commas), 1);
  return true;
}

bool add_trailing_comma(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  // A closer right after a value (not after an opener or a comma) can take a
  // trailing comma.
  std::vector<std::size_t> closers;
  const std::vector<std::size_t> structural = structural_positions(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_closer(text[i])) continue;
    std::size_t before = i;
    while (before > 0 && std::isspace(static_cast<unsigned char>(text[before - 1]))) --before;
    if (before == 0) continue;
    const char previous = text[before - 1];
    if (previous == '[' || previous == '{' || previous == '(' || previous == ',') continue;
    if (std::binary_search(structural.begin(), structural.end(), i)) closers.push_back(before);
  }
  if (closers.empty()) return false;
  text.insert(draw_element(rng, closers), ",");
  return true;
}

bool drop_bracket(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  const std::vector<std::size_t> closers = positions_of(text, "]})");
  if (closers.empty()) return false;
  // Real outputs lose the final brackets most often.
  const std::size_t position = draw_unit(rng) < 0.5 ? closers.back() : draw_element(rng, closers);
  text.erase(position, 1);
  return true;
}

bool add_bracket(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  const std::vector<std::size_t> brackets = positions_of(text, "[]{}()");
  if (brackets.empty()) return false;
  const std::size_t position = draw_element(rng, brackets);
  text.insert(position, 1, text[position]);
  return true;
}

bool truncate_text(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  if (text.size() < 2) return false;
  const std::size_t low = std::max<std::size_t>(1, (2 * text.size() + 2) / 3);
  std::size_t cut = static_cast<std::size_t>(draw_between(rng, static_cast<std::int64_t>(std::min(low, text.size() - 1)),
                                                          static_cast<std::int64_t>(text.size() - 1)));
  // Never cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  if (cut == 0) return false;
  text.resize(cut);
  return true;
}

bool append_garbage(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  if (text.empty()) return false;
  switch (draw_index(rng, 5)) {
    case 0:
      // The whole output again, as a model that does not stop would write it.
      text += "\n" + text;
      break;
    case 1:
      text += "\n" + text.substr(0, static_cast<std::size_t>(draw_between(rng, 1, static_cast<std::int64_t>(text.size()))));
      break;
    case 2:
      text += "\"}";
      break;
    case 3:
      text += ";";
      break;
    default:
      text += "\n)";
  }
  return true;
}

bool add_special_tokens(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  switch (draw_index(rng, 6)) {
    case 0:
      text += draw_unit(rng) < 0.5 ? "<end_of_turn>" : "\n<end_of_turn>";
      break;
    case 1:
      text = "[TOOL_CALLS]" + text;
      break;
    case 2:
      text += "<|im_end|>";
      break;
    case 3:
      text = "<tool_call>\n" + text + "\n</tool_call>";
      break;
    case 4:
      text += "<|eot_id|>";
      break;
    default:
      text = "<|python_tag|>" + text + "<|eom_id|>";
  }
  return true;
}

bool add_fence(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  (void)calls;
  switch (draw_index(rng, 3)) {
    case 0:
      text = "```json\n" + text + "\n```";
      break;
    case 1:
      text = "```\n" + text + "\n```";
      break;
    default:
      text = "```json\n" + text + "```";
  }
  return true;
}

bool add_prose(std::string& text, const CallList& calls, std::mt19937_64& rng) {
  const std::string function = calls.empty() ? std::string("the function") : "`" + calls.front().name + "`";
  const std::vector<std::string> openings = {
      "Sure! Here is the function call:\n",
      "I'll call " + function + " with the values from your request.\n\n",
      "To answer this, I need to call " + function + ".\n",
      "Here's the call you need: ",
  };
  const std::vector<std::string> closings = {
      "\n\nLet me know if you need anything else.",
      "\nThis call will return the information you asked for.",
      " I hope this helps!",
  };
  const double roll = draw_unit(rng);
  if (roll < 0.6) {
    text = draw_element(rng, openings) + text;
  } else if (roll < 0.8) {
    text += draw_element(rng, closings);
  } else {
    text = draw_element(rng, openings) + text + draw_element(rng, closings);
  }
  return true;
}

// ---------------------------------------------------------------------------
// No call at all.

std::string ask_instead_of_calling(const CallList& gold, std::mt19937_64& rng) {
  if (gold.empty()) return "Could you tell me a bit more about what you need?";
  const Call& call = gold[draw_index(rng, gold.size())];
  const std::string function = readable(call.name);

  std::vector<std::string> keys;
  for (const auto& [key, unused] : call.arguments.items()) keys.push_back(key);
  if (keys.empty()) {
    return "I can help with that. Before I run " + function +
           ", could you tell me a bit more about what you need?";
  }
  const std::string parameter = readable(draw_element(rng, keys));

  switch (draw_index(rng, 4)) {
    case 0:
      return "I can help you with that. However, I need to know the " + parameter +
             " before I call " + function + ". Could you tell me which " + parameter + " you want?";
    case 1:
      return "I'd be happy to help! To get this right, could you confirm the " + parameter + " you mean?";
    case 2: {
      // Chat models often restate what they understood before asking.
      std::string text = "I have the following details:\n";
      for (const auto& [key, value] : call.arguments.items()) {
        text += "- " + readable(key) + ": " + (value.is_string() ? value.get<std::string>() : dump_compact(value)) + "\n";
      }
      return text + "\nBefore I proceed, could you confirm the " + parameter + "?";
    }
    default:
      return "Could you please clarify the " + parameter + "? Once you confirm it, I'll use " + function +
             " to handle your request.";
  }
}

}  // namespace trm::tasks::function_call::fault_kinds
