#include "trm/tasks/function_call/constrained.h"

#include "trm/tasks/function_call/task.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace trm::tasks::function_call {

// ==== Grammar nodes ====

enum class NodeKind {
  kChoice,  // one of several exact texts, each with an optional continuation
  kSeq,     // children in order
  kString,  // a JSON string without escapes
  kNumber,  // a JSON number, optionally integers only
  kArray,   // [item, item, ...]
  kObject,  // {"key":value,...}, keys in sorted order, closed
};

struct GrammarNode {
  NodeKind kind = NodeKind::kChoice;
  std::vector<std::pair<std::string, const GrammarNode*>> options;  // kChoice
  std::vector<const GrammarNode*> children;                          // kSeq
  bool integer_only = false;                                         // kNumber
  bool non_empty = false;                                            // kArray
  const GrammarNode* item = nullptr;                                 // kArray
  struct Property {
    std::string key_text;  // `"key":`
    const GrammarNode* value;
    bool required;
  };
  std::vector<Property> properties;  // kObject, sorted by key
};

struct GrammarBuilder {
  CallGrammar& grammar;

  GrammarNode* make(NodeKind kind) {
    grammar.nodes_.push_back(std::make_unique<GrammarNode>());
    grammar.nodes_.back()->kind = kind;
    return grammar.nodes_.back().get();
  }
  const GrammarNode* literal(const std::string& text, const GrammarNode* next = nullptr) {
    auto* node = make(NodeKind::kChoice);
    node->options.emplace_back(text, next);
    return node;
  }
  const GrammarNode* fail(const std::string& path, const std::string& what) {
    if (grammar.unsupported_reason_.empty()) grammar.unsupported_reason_ = path + ": " + what;
    return literal("\"\"");
  }

  const GrammarNode* value(const json& schema, const std::string& path) {
    if (!schema.is_object()) return fail(path, "schema is not an object");
    for (const char* keyword : {"anyOf", "oneOf", "allOf", "not", "if", "$ref", "const", "patternProperties"}) {
      if (schema.contains(keyword)) return fail(path, keyword);
    }
    std::vector<std::string> types;
    if (const auto type = schema.find("type"); type != schema.end()) {
      if (type->is_string()) types.push_back(type->get<std::string>());
      if (type->is_array()) {
        for (const auto& name : *type) {
          if (name.is_string() && name != "null") types.push_back(name.get<std::string>());
        }
      }
    }
    if (types.size() > 1) return fail(path, "several types");
    const std::string type = types.empty() ? "any" : types.front();
    const bool is_array = type == "array" || type == "tuple" || type == "List" || type == "ArrayList" ||
                          type == "Array" || type == "Set";

    if (const auto allowed = schema.find("enum"); allowed != schema.end() && allowed->is_array()) {
      const bool enum_has_arrays = std::any_of(allowed->begin(), allowed->end(), [](const json& v) { return v.is_array(); });
      auto* choice = make(NodeKind::kChoice);
      for (const auto& option : *allowed) choice->options.emplace_back(dump_compact(option), nullptr);
      if (choice->options.empty()) return fail(path, "empty enum");
      if (!is_array || enum_has_arrays) return choice;
      auto* array = make(NodeKind::kArray);  // an enum of scalars on an array constrains each element
      array->item = choice;
      return array;
    }
    if (type == "string" || type == "String" || type == "char" || type == "Character" || type == "any" ||
        type == "Any" || type == "Object" || type.empty()) {
      return make(NodeKind::kString);
    }
    if (type == "integer" || type == "int" || type == "long" || type == "short" || type == "byte" ||
        type == "Integer" || type == "Long" || type == "Short" || type == "Byte") {
      auto* number = make(NodeKind::kNumber);
      number->integer_only = true;
      return number;
    }
    if (type == "number" || type == "float" || type == "double" || type == "Double" || type == "Float" ||
        type == "Number") {
      return make(NodeKind::kNumber);
    }
    if (type == "boolean" || type == "Boolean") {
      auto* choice = make(NodeKind::kChoice);
      choice->options = {{"true", nullptr}, {"false", nullptr}};
      return choice;
    }
    if (is_array) {
      auto* array = make(NodeKind::kArray);
      const auto items = schema.find("items");
      if (items != schema.end() && items->is_array()) return fail(path, "tuple items");
      array->item = items != schema.end() ? value(*items, path + "[]") : make(NodeKind::kString);
      return array;
    }
    if (type == "object" || type == "dict" || type == "HashMap" || type == "Map") {
      if (!schema.contains("properties")) return literal("{}");  // a free-form object: {} is always valid
      return object(schema, path);
    }
    return fail(path, "type '" + type + "'");
  }

  const GrammarNode* object(const json& schema, const std::string& path) {
    auto* node = make(NodeKind::kObject);
    std::map<std::string, const json*> sorted;  // canonical rendering sorts keys
    if (const auto properties = schema.find("properties"); properties != schema.end() && properties->is_object()) {
      for (const auto& item : properties->items()) sorted[item.key()] = &item.value();
    }
    std::vector<std::string> required;
    if (const auto list = schema.find("required"); list != schema.end() && list->is_array()) {
      for (const auto& name : *list) {
        if (name.is_string()) required.push_back(name.get<std::string>());
      }
    }
    for (const auto& name : required) {
      if (!sorted.count(name)) return fail(path + "." + name, "required but not in properties");
    }
    for (const auto& [key, property] : sorted) {
      const bool is_required = std::find(required.begin(), required.end(), key) != required.end();
      node->properties.push_back({dump_compact(json(key)) + ":", value(*property, path + "." + key), is_required});
    }
    return node;
  }

  void build(const json& tools) {
    auto* call = make(NodeKind::kChoice);
    if (!tools.is_array()) {
      fail("tools", "not an array");
      tools_done(call);
      return;
    }
    for (const auto& tool : tools) {
      if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
      const std::string name = tool["name"].get<std::string>();
      const json parameters = tool.value("parameters", json::object());
      auto* rest = make(NodeKind::kSeq);
      rest->children = {object(parameters.is_object() ? parameters : json::object(), name), literal("}")};
      call->options.emplace_back("{\"name\":" + dump_compact(json(name)) + ",\"arguments\":", rest);
    }
    if (call->options.empty()) fail("tools", "no function definitions");
    tools_done(call);
  }

  void tools_done(const GrammarNode* call) {
    auto* list = make(NodeKind::kArray);
    list->item = call;
    list->non_empty = true;
    grammar.root_ = list;
  }
};

CallGrammar::CallGrammar(const json& tools) { GrammarBuilder{*this}.build(tools); }
CallGrammar::~CallGrammar() = default;

// ==== Matcher: the automaton's state over a prefix ====

namespace {

struct Frame {
  explicit Frame(const GrammarNode* frame_node) : node(frame_node) {}
  const GrammarNode* node;
  int state = 0;
  int index = 0;       // kSeq: next child; kObject: next property that may come
  std::string prefix;  // kChoice, kObject keys: text matched so far
};

// Minimum length in bytes of a node's text.
int min_length(const GrammarNode* node) {
  if (node == nullptr) return 0;
  switch (node->kind) {
    case NodeKind::kChoice: {
      int best = 1 << 20;
      for (const auto& [text, next] : node->options) best = std::min(best, static_cast<int>(text.size()) + min_length(next));
      return best;
    }
    case NodeKind::kSeq: {
      int total = 0;
      for (const auto* child : node->children) total += min_length(child);
      return total;
    }
    case NodeKind::kString: return 2;
    case NodeKind::kNumber: return 1;
    case NodeKind::kArray: return node->non_empty ? 2 + min_length(node->item) : 2;
    case NodeKind::kObject: {
      int total = 2;
      int count = 0;
      for (const auto& property : node->properties) {
        if (!property.required) continue;
        total += static_cast<int>(property.key_text.size()) + min_length(property.value) + (count++ > 0 ? 1 : 0);
      }
      return total;
    }
  }
  return 0;
}

// Object states: 0 before '{', 1 after '{', 2 after a value.
class Matcher {
 public:
  explicit Matcher(const GrammarNode* root) { stack_.emplace_back(root); }

  /// Feeds one byte; false (state unchanged in meaning, but unusable) when it is not allowed.
  bool feed(char c) {
    while (!stack_.empty()) {
      const std::size_t top = stack_.size() - 1;
      switch (step(top, c)) {
        case Step::kConsumed: return true;
        case Step::kRejected: return false;
        case Step::kRetry: continue;
      }
    }
    return false;
  }

  /// Minimum number of bytes that complete the prefix into an accepted text.
  int min_remaining() const {
    int total = 0;
    for (const Frame& frame : stack_) total += frame_min_remaining(frame);
    return total;
  }

  /// True when the prefix is a complete call list (the end marker may follow).
  bool complete() const {
    if (stack_.empty()) return true;
    // A number or a choice may end at the end of the text.
    Matcher copy = *this;
    return copy.finish();
  }

 private:
  enum class Step { kConsumed, kRejected, kRetry };

  bool finish() {
    while (!stack_.empty()) {
      Frame& frame = stack_.back();
      const GrammarNode* node = frame.node;
      if (node->kind == NodeKind::kNumber && (frame.state == 2 || frame.state == 3 || frame.state == 5)) {
        stack_.pop_back();
      } else if (node->kind == NodeKind::kChoice && exact_option(frame) != nullptr) {
        const auto* option = exact_option(frame);
        stack_.pop_back();
        if (option->second != nullptr) return false;
      } else if (node->kind == NodeKind::kSeq && frame.index >= static_cast<int>(node->children.size())) {
        stack_.pop_back();
      } else {
        return false;
      }
    }
    return true;
  }

  // Bytes the frame itself still needs; frames below it count their own part.
  static int frame_min_remaining(const Frame& frame) {
    const GrammarNode* node = frame.node;
    switch (node->kind) {
      case NodeKind::kChoice: {
        int best = 1 << 20;
        for (const auto& [text, next] : node->options) {
          if (text.compare(0, frame.prefix.size(), frame.prefix) != 0) continue;
          best = std::min(best, static_cast<int>(text.size() - frame.prefix.size()) + min_length(next));
        }
        return best;
      }
      case NodeKind::kSeq: {
        int total = 0;
        for (std::size_t i = static_cast<std::size_t>(frame.index); i < node->children.size(); ++i) {
          total += min_length(node->children[i]);
        }
        return total;
      }
      case NodeKind::kString:
        // Before the opening quote: both quotes. Inside: the closing quote, after any continuation bytes.
        if (frame.state == 0) return 2;
        return frame.state;
      case NodeKind::kNumber: return (frame.state == 0 || frame.state == 1 || frame.state == 4) ? 1 : 0;
      case NodeKind::kArray:
        if (frame.state == 0) return min_length(node);
        if (frame.state == 1) return node->non_empty ? min_length(node->item) + 1 : 1;
        if (frame.state == 2) return 1;
        return min_length(node->item) + 1;
      case NodeKind::kObject: {
        if (frame.state == 0) return min_length(node);
        const auto& properties = node->properties;
        // Required properties from `from` on, each after a comma, then '}'.
        const auto required_from = [&](std::size_t from) {
          int total = 1;
          for (std::size_t i = from; i < properties.size(); ++i) {
            if (properties[i].required) total += 1 + static_cast<int>(properties[i].key_text.size()) + min_length(properties[i].value);
          }
          return total;
        };
        const std::size_t start = static_cast<std::size_t>(frame.index);
        if (frame.prefix.empty()) {
          // The first of them needs no comma right after '{'.
          return required_from(start) - (frame.state == 1 && required_from(start) > 1 ? 1 : 0);
        }
        // Mid-key: the cheapest property that may come here, continues the prefix, and is followed by the
        // required ones after it.
        std::size_t last = start;
        while (last < properties.size() && !properties[last].required) ++last;
        const std::string separator = frame.state == 2 ? "," : "";
        int best = 1 << 20;
        for (std::size_t i = start; i < properties.size() && i <= last; ++i) {
          const std::string text = separator + properties[i].key_text;
          if (text.compare(0, frame.prefix.size(), frame.prefix) != 0) continue;
          const int cost = static_cast<int>(text.size() - frame.prefix.size()) + min_length(properties[i].value) +
                           required_from(i + 1);
          best = std::min(best, cost);
        }
        return best;
      }
    }
    return 0;
  }

  static const std::pair<std::string, const GrammarNode*>* exact_option(const Frame& frame) {
    for (const auto& option : frame.node->options) {
      if (option.first == frame.prefix) return &option;
    }
    return nullptr;
  }

  void push(const GrammarNode* node) { stack_.emplace_back(node); }

  // Pops a finished frame; a choice continues with its option's continuation.
  void pop_to(const GrammarNode* next) {
    stack_.pop_back();
    if (next != nullptr) push(next);
  }

  Step step(std::size_t top, char c) {
    Frame& frame = stack_[top];
    const GrammarNode* node = frame.node;
    switch (node->kind) {
      case NodeKind::kChoice: return step_choice(frame, c);
      case NodeKind::kSeq:
        if (frame.index < static_cast<int>(node->children.size())) {
          const GrammarNode* child = node->children[static_cast<std::size_t>(frame.index++)];
          push(child);
        } else {
          stack_.pop_back();
        }
        return Step::kRetry;
      case NodeKind::kString: return step_string(frame, static_cast<unsigned char>(c));
      case NodeKind::kNumber: return step_number(frame, c);
      case NodeKind::kArray: return step_array(frame, c);
      case NodeKind::kObject: return step_object(frame, c);
    }
    return Step::kRejected;
  }

  // States: 0 before the opening quote, 1 between characters, 2 + k inside a
  // UTF-8 sequence with k continuation bytes to come; `index` then contains the
  // allowed range of the next byte (low << 8 | high), so only well-formed
  // UTF-8 without surrogates passes.
  Step step_string(Frame& frame, unsigned char c) {
    if (frame.state == 0) {
      if (c != '"') return Step::kRejected;
      frame.state = 1;
      return Step::kConsumed;
    }

    // Inside a multi-byte sequence: a continuation byte in the allowed range.
    if (frame.state >= 2) {
      if (c < (frame.index >> 8) || c > (frame.index & 0xFF)) return Step::kRejected;
      frame.state -= 1;
      if (frame.state == 1) return Step::kConsumed;
      frame.index = 0x80 << 8 | 0xBF;
      return Step::kConsumed;
    }
    if (c == '"') {
      stack_.pop_back();
      return Step::kConsumed;
    }
    if (c == '\\' || c < 0x20) return Step::kRejected;
    if (c < 0x80) return Step::kConsumed;

    // A lead byte: how many continuation bytes follow, and the range of the first.
    int continuation = 0;
    int low = 0x80;
    int high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      continuation = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      continuation = 2;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      continuation = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return Step::kRejected;
    }
    frame.state = 1 + continuation;
    frame.index = low << 8 | high;
    return Step::kConsumed;
  }

  Step step_choice(Frame& frame, char c) {
    const std::string extended = frame.prefix + c;
    bool extends = false;
    for (const auto& option : frame.node->options) {
      if (option.first.compare(0, extended.size(), extended) == 0) extends = true;
    }
    if (extends) {
      frame.prefix = extended;
      // Finish at once when exactly one option is this text and none goes further.
      const auto* exact = exact_option(frame);
      bool longer = false;
      for (const auto& option : frame.node->options) {
        if (option.first.size() > extended.size() && option.first.compare(0, extended.size(), extended) == 0) {
          longer = true;
        }
      }
      if (exact != nullptr && !longer) pop_to(exact->second);
      return Step::kConsumed;
    }
    if (const auto* exact = exact_option(frame)) {
      pop_to(exact->second);
      return Step::kRetry;
    }
    return Step::kRejected;
  }

  // States: 0 start, 1 after '-', 2 after a leading 0, 3 in integer digits,
  // 4 after '.', 5 in fraction digits. `index` counts digits: at most 15, so
  // that the value reads back exactly (a longer integer would parse as a float).
  Step step_number(Frame& frame, char c) {
    constexpr int kMaxDigits = 15;
    const bool digit = c >= '0' && c <= '9' && frame.index < kMaxDigits;
    if (digit) ++frame.index;
    switch (frame.state) {
      case 0:
        if (c == '-') return frame.state = 1, Step::kConsumed;
        [[fallthrough]];
      case 1:
        if (c == '0') return frame.state = 2, Step::kConsumed;
        if (digit) return frame.state = 3, Step::kConsumed;
        return Step::kRejected;
      case 3:
        if (digit) return Step::kConsumed;
        [[fallthrough]];
      case 2:
        if (c == '.' && !frame.node->integer_only && frame.index < kMaxDigits) return frame.state = 4, Step::kConsumed;
        stack_.pop_back();
        return Step::kRetry;
      case 4:
        if (digit) return frame.state = 5, Step::kConsumed;
        return Step::kRejected;
      case 5:
        if (digit) return Step::kConsumed;
        stack_.pop_back();
        return Step::kRetry;
    }
    return Step::kRejected;
  }

  // States: 0 before '[', 1 after '[', 2 after an item, 3 after ','.
  Step step_array(Frame& frame, char c) {
    const GrammarNode* item = frame.node->item;
    switch (frame.state) {
      case 0:
        if (c != '[') return Step::kRejected;
        frame.state = 1;
        return Step::kConsumed;
      case 1:
        if (c == ']') {
          if (frame.node->non_empty) return Step::kRejected;
          stack_.pop_back();
          return Step::kConsumed;
        }
        frame.state = 2;
        push(item);
        return Step::kRetry;
      case 2:
        if (c == ',') return frame.state = 3, Step::kConsumed;
        if (c == ']') {
          stack_.pop_back();
          return Step::kConsumed;
        }
        return Step::kRejected;
      case 3:
        frame.state = 2;
        push(item);
        return Step::kRetry;
    }
    return Step::kRejected;
  }

  Step step_object(Frame& frame, char c) {
    const auto& properties = frame.node->properties;
    if (frame.state == 0) {
      if (c != '{') return Step::kRejected;
      frame.state = 1;
      return Step::kConsumed;
    }
    // Properties from frame.index up to the first required one may come next.
    std::size_t last = static_cast<std::size_t>(frame.index);
    while (last < properties.size() && !properties[last].required) ++last;
    const bool may_close = last == properties.size();
    if (frame.prefix.empty() && c == '}' && may_close) {
      stack_.pop_back();
      return Step::kConsumed;
    }
    const std::string separator = frame.state == 2 ? "," : "";
    const std::string extended = frame.prefix + c;
    for (std::size_t i = static_cast<std::size_t>(frame.index); i < properties.size() && i <= last; ++i) {
      const std::string text = separator + properties[i].key_text;
      if (text.compare(0, extended.size(), extended) != 0) continue;
      if (text.size() == extended.size()) {
        frame.prefix.clear();
        frame.index = static_cast<int>(i) + 1;
        frame.state = 2;
        push(properties[i].value);
      } else {
        frame.prefix = extended;
      }
      return Step::kConsumed;
    }
    return Step::kRejected;
  }

  std::vector<Frame> stack_;
};

struct Beam {
  Matcher matcher;
  std::string text;
  double log_prob = 0.0;
};

}  // namespace

bool CallGrammar::accepts(const std::string& text) const {
  Matcher matcher(root_);
  for (char c : text) {
    if (!matcher.feed(c)) return false;
  }
  return matcher.complete();
}

std::vector<ConstrainedText> decode_constrained(const CallGrammar& grammar, const float* log_probs, int positions,
                                                int vocab_size, int beam_width) {
  constexpr int kExpandPerBeam = 6;
  std::vector<Beam> beams = {Beam{Matcher(grammar.root()), "", 0.0}};
  // Every kept beam can still end, with its end marker, inside the region.
  if (beams.front().matcher.min_remaining() + 1 > positions) return {};
  std::vector<ConstrainedText> ended;
  std::vector<int> order(static_cast<std::size_t>(vocab_size));

  for (int position = 0; position < positions && !beams.empty(); ++position) {
    const float* row = log_probs + static_cast<std::ptrdiff_t>(position) * vocab_size;
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });

    std::vector<Beam> next;
    for (const Beam& beam : beams) {
      if (beam.matcher.complete()) {
        ended.push_back({beam.text, beam.log_prob + row[ByteTokens::kEos]});
      }
      // The highest-probability bytes that the automaton allows here.
      int expanded = 0;
      for (int token : order) {
        if (expanded >= kExpandPerBeam) break;
        if (token < ByteTokens::kFirstByte) continue;
        Beam candidate = beam;
        const char byte = static_cast<char>(token - ByteTokens::kFirstByte);
        if (!candidate.matcher.feed(byte)) continue;
        if (position + 1 + candidate.matcher.min_remaining() + 1 > positions) continue;
        candidate.text.push_back(byte);
        candidate.log_prob += row[token];
        next.push_back(std::move(candidate));
        ++expanded;
      }
    }
    std::sort(next.begin(), next.end(), [](const Beam& a, const Beam& b) { return a.log_prob > b.log_prob; });
    if (next.size() > static_cast<std::size_t>(beam_width)) next.erase(next.begin() + beam_width, next.end());
    beams = std::move(next);
  }
  std::sort(ended.begin(), ended.end(),
            [](const ConstrainedText& a, const ConstrainedText& b) { return a.log_prob > b.log_prob; });
  if (ended.size() > static_cast<std::size_t>(beam_width)) ended.resize(static_cast<std::size_t>(beam_width));
  return ended;
}

}  // namespace trm::tasks::function_call
