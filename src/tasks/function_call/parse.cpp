#include "trm/tasks/function_call/parse.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace trm::tasks::function_call {

namespace {

// Repair names in first-use order, without duplicates.
class RepairLog {
 public:
  void add(const std::string& name) {
    if (!contains(name)) names_.push_back(name);
  }

  void append(const RepairLog& other) {
    for (const std::string& name : other.names_) add(name);
  }

  bool contains(const std::string& name) const {
    return std::find(names_.begin(), names_.end(), name) != names_.end();
  }

  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ASCII only on purpose: std::isalpha depends on the locale.
bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }

bool is_closer(char c) { return c == ']' || c == ')' || c == '}'; }

bool is_blank(std::string_view text) { return std::all_of(text.begin(), text.end(), is_space); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  // Lone surrogates and values past Unicode cannot be encoded as UTF-8.
  if ((code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) code_point = 0xFFFD;

  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// Outcome of reading one value.
enum class Read {
  kValue,    // a value was read, possibly closed early at the end of the input
  kMissing,  // the input ended before a complete value began, so the caller drops the element
  kInvalid,  // the text is not a literal this reader understands
};

// Outcome of reading the separator after a container element.
enum class Next { kElement, kClosed, kInvalid };

// Outcome of looking for `dotted.name(` at the current position.
enum class Head { kCall, kNotCall, kTruncated };

// Nesting deeper than this is rejected so that hostile input cannot exhaust the stack.
constexpr int kMaxDepth = 200;

// Recursive-descent reader for the union of JSON and Python literals, plus
// the Python call syntax BFCL prompts ask for (`[f(a=1), g(b="x")]`). Every
// deviation from strict JSON that it accepts is recorded as a repair name.
// Reaching the end of the input inside a string or container closes it; an
// element cut off before its value began is dropped.
class LiteralReader {
 public:
  LiteralReader(std::string_view text, std::size_t pos) : text_(text), pos_(pos) {}

  // Reads the calls that start at the current position: one item (a call
  // list, a call object, a Python call or a `(name, arguments)` tuple),
  // further items right after it, and whatever text remains as garbage.
  std::optional<CallList> read_calls() {
    std::optional<CallList> calls = read_item();
    if (!calls) return std::nullopt;

    while (true) {
      skip_item_separators();
      if (at_end()) break;

      // A failed attempt to read a further item must leave no trace.
      const std::size_t saved_pos = pos_;
      const RepairLog saved_repairs = repairs_;
      std::optional<CallList> more = read_item();
      if (more && !more->empty()) {
        calls->insert(calls->end(), more->begin(), more->end());
        repairs_.add("join_call_lists");
        continue;
      }
      pos_ = saved_pos;
      repairs_ = saved_repairs;
      repairs_.add("drop_trailing_garbage");
      break;
    }
    return calls;
  }

  // Reads one JSON or Python literal. Python calls are not values.
  Read read_value(json& out, int depth) {
    if (depth > kMaxDepth) return Read::kInvalid;
    skip_space();
    if (at_end()) return Read::kMissing;

    const char c = peek();
    if (c == '"' || c == '\'') return read_string(out);
    if (c == '[') return read_array(out, depth);
    if (c == '(') return read_tuple(out, depth);
    if (c == '{') return read_object(out, depth);
    if (c == '-' || c == '+' || c == '.' || is_digit(c)) return read_number(out);
    if (is_identifier_start(c)) return read_word(out);
    return Read::kInvalid;
  }

  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  bool at_end() const { return pos_ >= text_.size(); }

  // True once a `name(` call head was read: text from there on is meant as
  // calls, so a failure is final rather than a reason to look further on.
  bool committed() const { return committed_; }

  const RepairLog& repairs() const { return repairs_; }

 private:
  char peek() const { return text_[pos_]; }

  void note_closed() { repairs_.add("close_brackets"); }

  void skip_item_separators() {
    while (!at_end() && (is_space(peek()) || peek() == ',' || peek() == ';')) ++pos_;
  }

  std::optional<CallList> read_item() {
    skip_space();
    if (at_end()) return std::nullopt;

    const char c = peek();
    if (c == '[') return read_call_list();

    if (is_identifier_start(c)) {
      std::string name;
      if (read_call_head(name) != Head::kCall) return std::nullopt;
      std::optional<Call> call = read_python_call(name);
      if (!call) return std::nullopt;
      return CallList{*call};
    }

    if (c == '{' || c == '(') {
      json value;
      if (read_value(value, 1) != Read::kValue) return std::nullopt;
      std::optional<Call> call = value_to_call(value);
      if (!call) return std::nullopt;
      if (value.is_object()) repairs_.add("single_object");
      return CallList{*call};
    }
    return std::nullopt;
  }

  std::optional<CallList> read_call_list() {
    ++pos_;
    CallList calls;
    while (true) {
      skip_space();
      if (at_end()) {
        note_closed();
        return calls;
      }
      if (peek() == ']') {
        ++pos_;
        return calls;
      }
      if (is_closer(peek())) {
        note_closed();
        return calls;
      }

      std::optional<Call> call;
      if (is_identifier_start(peek())) {
        std::string name;
        const Head head = read_call_head(name);
        if (head == Head::kTruncated) {
          note_closed();
          return calls;
        }
        if (head == Head::kNotCall) return std::nullopt;
        call = read_python_call(name);
      } else {
        json value;
        const Read read = read_value(value, 1);
        if (read == Read::kInvalid) return std::nullopt;
        if (read == Read::kMissing) {
          note_closed();
          return calls;
        }
        call = value_to_call(value);
      }
      if (!call) return std::nullopt;
      calls.push_back(std::move(*call));

      const Next next = after_element(']');
      if (next == Next::kInvalid) return std::nullopt;
      if (next == Next::kClosed) return calls;
    }
  }

  // Reads `dotted.name(`. Leaves the position unchanged when the text there
  // is no call head, and at the end of the input when it was cut off.
  Head read_call_head(std::string& name) {
    const std::size_t start = pos_;
    name.clear();
    while (true) {
      while (!at_end() && is_identifier_char(peek())) name += text_[pos_++];
      if (pos_ + 1 < text_.size() && peek() == '.' && is_identifier_start(text_[pos_ + 1])) {
        name += text_[pos_++];
        continue;
      }
      break;
    }

    // `name`, `name.` or `name ` at the very end: the output was cut off.
    if (is_blank(text_.substr(pos_)) || (peek() == '.' && is_blank(text_.substr(pos_ + 1)))) {
      return Head::kTruncated;
    }
    if (peek() != '(') {
      pos_ = start;
      return Head::kNotCall;
    }
    ++pos_;
    committed_ = true;
    return Head::kCall;
  }

  // Reads the keyword arguments after `name(` up to the closing parenthesis.
  // Positional arguments and values that are not literals (variables,
  // expressions, nested calls) make the call unreadable.
  std::optional<Call> read_python_call(const std::string& name) {
    repairs_.add("python_syntax");
    Call call{name, json::object()};
    while (true) {
      skip_space();
      if (at_end()) {
        note_closed();
        return call;
      }
      if (peek() == ')') {
        ++pos_;
        return call;
      }
      if (is_closer(peek())) {
        note_closed();
        return call;
      }

      if (!is_identifier_start(peek())) return std::nullopt;
      std::string key;
      while (!at_end() && is_identifier_char(peek())) key += text_[pos_++];
      skip_space();
      if (at_end()) {
        note_closed();
        return call;
      }
      if (peek() != '=' || (pos_ + 1 < text_.size() && text_[pos_ + 1] == '=')) return std::nullopt;
      ++pos_;

      json value;
      const Read read = read_value(value, 1);
      if (read == Read::kInvalid) return std::nullopt;
      if (read == Read::kMissing) {
        note_closed();
        return call;
      }
      call.arguments[key] = std::move(value);

      const Next next = after_element(')');
      if (next == Next::kInvalid) return std::nullopt;
      if (next == Next::kClosed) return call;
    }
  }

  // Consumes the separator after an element of a container closed by `close`.
  // The end of the input and a closer of another kind both close the
  // container; the other closer is left for the enclosing container.
  // `comma_is_syntax` is set for the first element of a tuple, where `(x,)`
  // is how Python writes a one-element tuple rather than a trailing comma.
  Next after_element(char close, bool comma_is_syntax = false) {
    skip_space();
    if (at_end()) {
      note_closed();
      return Next::kClosed;
    }
    if (peek() == close) {
      ++pos_;
      return Next::kClosed;
    }
    if (is_closer(peek())) {
      note_closed();
      return Next::kClosed;
    }
    if (peek() != ',') return Next::kInvalid;

    ++pos_;
    skip_space();
    if (at_end()) {
      note_closed();
      return Next::kClosed;
    }
    if (peek() == close) {
      if (!comma_is_syntax) repairs_.add("trailing_comma");
      ++pos_;
      return Next::kClosed;
    }
    if (is_closer(peek())) {
      repairs_.add("trailing_comma");
      note_closed();
      return Next::kClosed;
    }
    return Next::kElement;
  }

  // Reads the elements of a list or tuple up to `close`. `commas` counts the
  // separators so that the caller can tell `(x)` from `(x,)`.
  Read read_elements(json& out, char close, int depth, int& commas) {
    ++pos_;
    out = json::array();
    commas = 0;
    while (true) {
      skip_space();
      if (at_end()) {
        note_closed();
        return Read::kValue;
      }
      if (peek() == close) {
        ++pos_;
        return Read::kValue;
      }
      if (is_closer(peek())) {
        note_closed();
        return Read::kValue;
      }

      json element;
      const Read read = read_value(element, depth + 1);
      if (read == Read::kInvalid) return Read::kInvalid;
      if (read == Read::kMissing) {
        note_closed();
        return Read::kValue;
      }
      out.push_back(std::move(element));

      skip_space();
      if (!at_end() && peek() == ',') ++commas;
      const Next next = after_element(close, close == ')' && out.size() == 1);
      if (next == Next::kInvalid) return Read::kInvalid;
      if (next == Next::kClosed) return Read::kValue;
    }
  }

  Read read_array(json& out, int depth) {
    int commas = 0;
    return read_elements(out, ']', depth, commas);
  }

  // A Python tuple becomes a JSON array; `(x)` without a comma is just x.
  Read read_tuple(json& out, int depth) {
    repairs_.add("python_syntax");
    int commas = 0;
    const Read read = read_elements(out, ')', depth, commas);
    if (read == Read::kValue && out.size() == 1 && commas == 0) {
      json inner = std::move(out[0]);
      out = std::move(inner);
    }
    return read;
  }

  Read read_object(json& out, int depth) {
    ++pos_;
    out = json::object();
    while (true) {
      skip_space();
      if (at_end()) {
        note_closed();
        return Read::kValue;
      }
      if (peek() == '}') {
        ++pos_;
        return Read::kValue;
      }
      if (is_closer(peek())) {
        note_closed();
        return Read::kValue;
      }

      std::string key;
      const Read key_read = read_key(key);
      if (key_read == Read::kInvalid) return Read::kInvalid;
      skip_space();
      if (key_read == Read::kMissing || at_end()) {
        note_closed();
        return Read::kValue;
      }
      if (peek() != ':') return Read::kInvalid;
      ++pos_;

      json value;
      const Read read = read_value(value, depth + 1);
      if (read == Read::kInvalid) return Read::kInvalid;
      if (read == Read::kMissing) {
        note_closed();
        return Read::kValue;
      }
      out[key] = std::move(value);

      const Next next = after_element('}');
      if (next == Next::kInvalid) return Read::kInvalid;
      if (next == Next::kClosed) return Read::kValue;
    }
  }

  // Object keys are strings, and Python's integer keys are written as text
  // as json.dumps does. A key cut off by the end of the input is dropped.
  Read read_key(std::string& key) {
    json value;
    const char c = peek();
    Read read = Read::kInvalid;
    if (c == '"' || c == '\'') {
      bool cut_off = false;
      read = read_string(value, &cut_off);
      if (cut_off) return Read::kMissing;
    } else if (c == '-' || is_digit(c)) {
      read = read_number(value);
    }
    if (read != Read::kValue) return read;
    key = value.is_string() ? value.get<std::string>() : value.dump();
    return Read::kValue;
  }

  // Sets `*cut_off` when the input ended inside the string.
  Read read_string(json& out, bool* cut_off = nullptr) {
    const char quote = text_[pos_++];
    if (quote == '\'') repairs_.add("single_quotes");

    std::string text;
    while (true) {
      if (at_end()) {
        note_closed();
        if (cut_off != nullptr) *cut_off = true;
        break;
      }
      const char c = text_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        text += c;
        continue;
      }
      if (at_end()) {
        note_closed();
        if (cut_off != nullptr) *cut_off = true;
        break;
      }
      read_escape(text);
    }
    out = std::move(text);
    return Read::kValue;
  }

  // Decodes the escape after a backslash with Python's rules, which include
  // JSON's. An unknown escape keeps the backslash, as Python does.
  void read_escape(std::string& text) {
    const char c = text_[pos_++];
    switch (c) {
      case 'n': text += '\n'; return;
      case 't': text += '\t'; return;
      case 'r': text += '\r'; return;
      case 'b': text += '\b'; return;
      case 'f': text += '\f'; return;
      case 'v': text += '\v'; return;
      case 'a': text += '\a'; return;
      case '0': text += '\0'; return;
      case '\\': case '\'': case '"': case '/': text += c; return;
      case '\n': return;  // a line continuation
      case 'x': read_code_point_escape(text, 2, c); return;
      case 'U': read_code_point_escape(text, 8, c); return;
      case 'u': read_utf16_escape(text); return;
      default:
        text += '\\';
        text += c;
        return;
    }
  }

  // Reads exactly `digits` hex digits, or returns -1 with the position unchanged.
  std::int64_t read_hex(int digits) {
    if (pos_ + digits > text_.size()) return -1;
    std::int64_t value = 0;
    for (int i = 0; i < digits; ++i) {
      const int digit = hex_value(text_[pos_ + i]);
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    pos_ += digits;
    return value;
  }

  void read_code_point_escape(std::string& text, int digits, char letter) {
    const std::int64_t value = read_hex(digits);
    if (value < 0) {
      text += '\\';
      text += letter;
      return;
    }
    append_utf8(text, static_cast<std::uint32_t>(value));
  }

  // `\uXXXX`, joining a UTF-16 surrogate pair written as two escapes.
  void read_utf16_escape(std::string& text) {
    const std::int64_t high = read_hex(4);
    if (high < 0) {
      text += "\\u";
      return;
    }
    const bool is_high_surrogate = high >= 0xD800 && high <= 0xDBFF;
    if (is_high_surrogate && pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
      const std::size_t saved = pos_;
      pos_ += 2;
      const std::int64_t low = read_hex(4);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(text, static_cast<std::uint32_t>(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)));
        return;
      }
      pos_ = saved;
    }
    append_utf8(text, static_cast<std::uint32_t>(high));
  }

  // Integers become JSON integers, or unsigned or floating point when they do
  // not fit in int64. Anything with a fraction or an exponent is a float.
  Read read_number(json& out) {
    const std::size_t start = pos_;
    bool negative = false;
    if (peek() == '+' || peek() == '-') {
      negative = peek() == '-';
      ++pos_;
    }
    const std::size_t body = pos_;

    bool digits = false;
    bool is_float = false;
    while (!at_end() && is_digit(peek())) {
      ++pos_;
      digits = true;
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      is_float = true;
      while (!at_end() && is_digit(peek())) {
        ++pos_;
        digits = true;
      }
    }
    if (digits && !at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      is_float = true;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      bool exponent_digits = false;
      while (!at_end() && is_digit(peek())) {
        ++pos_;
        exponent_digits = true;
      }
      if (!exponent_digits) return at_end() ? Read::kMissing : Read::kInvalid;
    }

    if (!digits) return at_end() ? Read::kMissing : Read::kInvalid;
    // `0x1F`, `1_000`, `5px` and `1.2.3` are not literals this reader reads.
    if (!at_end() && (is_identifier_char(peek()) || peek() == '.')) return Read::kInvalid;

    const char* first = text_.data() + body;
    const char* last = text_.data() + pos_;
    if (!is_float) {
      std::int64_t value = 0;
      if (std::from_chars(first, last, value).ec == std::errc()) {
        out = negative ? -value : value;
        return Read::kValue;
      }
      std::uint64_t unsigned_value = 0;
      if (!negative && std::from_chars(first, last, unsigned_value).ec == std::errc()) {
        out = unsigned_value;
        return Read::kValue;
      }
    }

    double value = 0;
    const auto result = std::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last) {
      pos_ = start;
      return Read::kInvalid;
    }
    out = negative ? -value : value;
    return Read::kValue;
  }

  // The literal words of JSON and Python. Any other bare word is a variable
  // name or the start of an expression, which no literal reading can give.
  Read read_word(json& out) {
    const std::size_t start = pos_;
    while (!at_end() && is_identifier_char(peek())) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);

    if (word == "true" || word == "false") {
      out = word == "true";
      return Read::kValue;
    }
    if (word == "null") {
      out = nullptr;
      return Read::kValue;
    }
    if (word == "True" || word == "False" || word == "None") {
      repairs_.add("python_literals");
      if (word == "None") {
        out = nullptr;
      } else {
        out = word == "True";
      }
      return Read::kValue;
    }

    // A literal cut off by the end of the input (`tr`, `Non`) is dropped.
    if (at_end()) {
      static constexpr std::array<std::string_view, 6> kWords = {"true", "false", "null",
                                                                  "True", "False", "None"};
      for (std::string_view literal : kWords) {
        if (literal.substr(0, word.size()) == word) return Read::kMissing;
      }
    }
    return Read::kInvalid;
  }

  // Turns a read value into a call: an object `{"name", "arguments"}` or a
  // pair `(name, arguments)` as some prompt-mode models write them.
  std::optional<Call> value_to_call(const json& value) {
    if (value.is_object()) return object_to_call(value);
    if (value.is_array() && value.size() == 2 && value[0].is_string()) {
      std::optional<json> arguments = decode_arguments(value[1]);
      if (!arguments || value[0].get_ref<const std::string&>().empty()) return std::nullopt;
      repairs_.add("python_syntax");
      return Call{value[0].get<std::string>(), std::move(*arguments)};
    }
    return std::nullopt;
  }

  std::optional<Call> object_to_call(const json& object) {
    for (const auto& [key, unused] : object.items()) {
      if (key != "name" && key != "arguments") return std::nullopt;
    }
    const auto name = object.find("name");
    const auto arguments = object.find("arguments");
    if (name == object.end() || arguments == object.end()) return std::nullopt;
    if (!name->is_string() || name->get_ref<const std::string&>().empty()) return std::nullopt;

    std::optional<json> decoded = decode_arguments(*arguments);
    if (!decoded) return std::nullopt;
    return Call{name->get<std::string>(), std::move(*decoded)};
  }

  // Native tool-calling APIs return arguments as a JSON string. It is read
  // with the same lenient reader and must contain an object, and an empty
  // string means no arguments.
  std::optional<json> decode_arguments(const json& arguments) {
    if (arguments.is_object()) return arguments;
    if (!arguments.is_string()) return std::nullopt;

    const std::string& text = arguments.get_ref<const std::string&>();
    repairs_.add("decode_string_arguments");
    if (is_blank(text)) return json::object();

    LiteralReader inner(text, 0);
    json decoded;
    if (inner.read_value(decoded, 1) != Read::kValue || !decoded.is_object()) return std::nullopt;
    inner.skip_space();
    if (!inner.at_end()) return std::nullopt;
    repairs_.append(inner.repairs());
    return decoded;
  }

  std::string_view text_;
  std::size_t pos_;
  RepairLog repairs_;
  bool committed_ = false;
};

// Tokens of chat templates and tool-call formats that models leak into their
// text. `<|...|>` tokens are matched by shape in strip_special_tokens.
constexpr std::array<std::string_view, 10> kSpecialTokens = {
    "<end_of_turn>", "<start_of_turn>", "<eos>", "<bos>", "</s>",
    "[TOOL_CALLS]",  "<tool_call>",     "</tool_call>", "<tool_calls>", "</tool_calls>"};

// Maximum length of a `<|...|>` token. Longer spans are treated as text.
constexpr std::size_t kMaxPipeTokenLength = 64;

// Removes leaked special tokens. Also removes them inside string values,
// which is wrong only for the rare value that quotes a token.
void strip_special_tokens(std::string& text, RepairLog& repairs) {
  std::string out;
  out.reserve(text.size());
  bool stripped = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::string_view rest = std::string_view(text).substr(i);

    bool matched = false;
    for (std::string_view token : kSpecialTokens) {
      if (rest.substr(0, token.size()) == token) {
        i += token.size();
        matched = true;
        break;
      }
    }
    if (!matched && rest.substr(0, 2) == "<|") {
      const std::size_t close = rest.find("|>", 2);
      if (close != std::string_view::npos && close + 2 <= kMaxPipeTokenLength &&
          std::none_of(rest.begin() + 2, rest.begin() + close, is_space)) {
        i += close + 2;
        matched = true;
      }
    }

    if (matched) {
      stripped = true;
    } else {
      out += text[i++];
    }
  }
  if (stripped) {
    repairs.add("strip_special_tokens");
    text = std::move(out);
  }
}

// Replaces the text by the contents of its first markdown code fence. A fence
// without a closing line (a cut-off output) runs to the end of the text.
void strip_fence(std::string& text, RepairLog& repairs) {
  const std::size_t open = text.find("```");
  if (open == std::string::npos) return;

  // The info string (`json`, `python`, ...) runs to the end of the opening line.
  std::size_t body = text.find('\n', open + 3);
  body = body == std::string::npos ? text.size() : body + 1;
  const std::size_t close = text.find("```", body);

  const std::string before = text.substr(0, open);
  const std::string after = close == std::string::npos ? "" : text.substr(close + 3);
  text = text.substr(body, close == std::string::npos ? std::string::npos : close - body);

  repairs.add("strip_fence");
  if (!is_blank(before) || !is_blank(after)) repairs.add("strip_prose");
}

// A position where calls may start: a bracket, or a word that does not
// continue a longer word or dotted name.
bool is_candidate_start(const std::string& text, std::size_t pos) {
  const char c = text[pos];
  if (c == '[' || c == '{' || c == '(') return true;
  if (!is_identifier_start(c)) return false;
  return pos == 0 || (!is_identifier_char(text[pos - 1]) && text[pos - 1] != '.');
}

}  // namespace

StrictParse parse_strict(const std::string& text) {
  StrictParse result;
  const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return result;
  result.json_ok = true;

  if (!value.is_array() || value.empty()) return result;
  try {
    result.calls = calls_from_json(value);
  } catch (const std::invalid_argument&) {
    return result;
  }
  result.shape_ok = true;
  return result;
}

LenientParse parse_lenient(const std::string& text) {
  StrictParse strict = parse_strict(text);
  if (strict.shape_ok) return LenientParse{std::move(strict.calls), {}};

  RepairLog repairs;
  std::string work = text;
  strip_special_tokens(work, repairs);
  strip_fence(work, repairs);

  // Prose may come before the calls, so reading is tried at each candidate
  // start in turn until one yields calls or commits to a failed call.
  const std::size_t text_start = std::min(work.size(), work.find_first_not_of(" \t\n\r\f\v"));
  for (std::size_t pos = text_start; pos < work.size(); ++pos) {
    if (!is_candidate_start(work, pos)) continue;

    LiteralReader reader(work, pos);
    std::optional<CallList> calls = reader.read_calls();
    const bool prose_before = pos > text_start;
    if (calls) {
      // `[]` means "no call" only when it is the whole output and needed no
      // repair: inside prose it is more likely an example, and a list cut
      // off before its first call is not an answer.
      if (calls->empty() && (prose_before || !reader.repairs().names().empty())) continue;

      if (prose_before) repairs.add("strip_prose");
      repairs.append(reader.repairs());
      return LenientParse{std::move(calls), repairs.names()};
    }
    if (reader.committed()) break;
  }
  return LenientParse{std::nullopt, {}};
}

}  // namespace trm::tasks::function_call
