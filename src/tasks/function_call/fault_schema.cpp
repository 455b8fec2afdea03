// Faults on the call structure. The schema faults are a misspelt function
// name, a missing required argument, an argument outside the schema, a value
// of the wrong JSON type and an enum value in the wrong case. The value fault
// is a value that disagrees with the query.

#include "fault_kinds.h"
#include "random_draw.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

namespace trm::tasks::function_call::fault_kinds {

namespace {

// ---------------------------------------------------------------------------
// Schema and acceptable-answer lookups.

const json* find_tool(const json& tools, const std::string& name) {
  if (!tools.is_array()) return nullptr;
  for (const json& tool : tools) {
    if (tool.is_object() && tool.value("name", "") == name) return &tool;
  }
  return nullptr;
}

const json* properties_of(const json* tool) {
  if (tool == nullptr) return nullptr;
  const auto parameters = tool->find("parameters");
  if (parameters == tool->end() || !parameters->is_object()) return nullptr;
  const auto properties = parameters->find("properties");
  if (properties == parameters->end() || !properties->is_object()) return nullptr;
  return &*properties;
}

std::vector<std::string> required_of(const json* tool) {
  std::vector<std::string> names;
  if (tool == nullptr) return names;
  const auto parameters = tool->find("parameters");
  if (parameters == tool->end() || !parameters->is_object()) return names;
  const auto required = parameters->find("required");
  if (required == parameters->end() || !required->is_array()) return names;
  for (const json& name : *required) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

const json* property_schema(const CallState& state, std::size_t call, const std::string& key) {
  const json* properties = properties_of(state.tools[call]);
  if (properties == nullptr) return nullptr;
  const auto found = properties->find(key);
  return found == properties->end() || !found->is_object() ? nullptr : &*found;
}

// BFCL's string normalisation: lower case, with spaces and `,./-_*^` removed.
std::string bfcl_normalise(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view(" ,./-_*^").find(c) != std::string_view::npos) continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Equality the way BFCL's checker compares an output value with an
// acceptable one: normalised strings, int equal to float of the same value.
bool loosely_equal(const json& a, const json& b) {
  if (a.is_string() && b.is_string()) {
    return bfcl_normalise(a.get<std::string>()) == bfcl_normalise(b.get<std::string>());
  }
  if (a.is_number() && b.is_number() && !a.is_boolean() && !b.is_boolean()) {
    return a.get<double>() == b.get<double>();
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!loosely_equal(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

// True when `value` is equal to the gold value or listed as acceptable, so
// that writing it would not be a fault.
bool still_correct(const CallState& state, std::size_t call, const std::string& key,
                   const json& gold_value, const json& value) {
  if (loosely_equal(value, gold_value)) return true;
  const json* acceptable = state.acceptable[call];
  if (acceptable == nullptr) return false;
  const auto options = acceptable->find(key);
  if (options == acceptable->end() || !options->is_array()) return false;
  return std::any_of(options->begin(), options->end(),
                     [&](const json& option) { return loosely_equal(value, option); });
}

// Arguments of all calls not yet touched by a fault, in a random order.
std::vector<std::pair<std::size_t, std::string>> untouched_arguments(const CallState& state,
                                                                     std::mt19937_64& rng) {
  std::vector<std::pair<std::size_t, std::string>> slots;
  for (std::size_t i = 0; i < state.calls.size(); ++i) {
    for (const auto& [key, unused] : state.calls[i].arguments.items()) {
      if (!state.touched.count({i, key})) slots.emplace_back(i, key);
    }
  }
  for (std::size_t i = slots.size(); i > 1; --i) {
    std::swap(slots[i - 1], slots[draw_index(rng, i)]);
  }
  return slots;
}

// Tries `change` on untouched arguments in random order; the first argument
// it can change is replaced and marked as touched.
template <typename Change>
bool change_some_argument(CallState& state, std::mt19937_64& rng, Change change) {
  for (const auto& [call, key] : untouched_arguments(state, rng)) {
    const json& value = state.calls[call].arguments[key];
    std::optional<json> changed = change(call, key, value);
    // Compared as text because nlohmann's == treats 2 and 2.0 as equal, which
    // would hide an integer written for a float.
    if (changed && changed->dump() != value.dump()) {
      state.calls[call].arguments[key] = *changed;
      state.touched.insert({call, key});
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Values taken from the query.

std::vector<double> numbers_in(const std::string& text) {
  std::vector<double> numbers;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) ||
            (text[end] == '.' && end + 1 < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[end + 1]))))) {
      ++end;
    }
    // Long digit runs (ids, phone numbers) are no candidate values and could
    // overflow the integer conversions below.
    if (end - i <= 12) numbers.push_back(std::strtod(text.substr(i, end - i).c_str(), nullptr));
    i = end;
  }
  return numbers;
}

bool is_sentence_start(const std::string& text, std::size_t position) {
  std::size_t i = position;
  while (i > 0 && text[i - 1] == ' ') --i;
  return i == 0 || text[i - 1] == '.' || text[i - 1] == '?' || text[i - 1] == '!' || text[i - 1] == '\n';
}

// Quoted passages and runs of capitalised words (names of places, people,
// products), the strings a base model tends to put in the wrong argument.
std::vector<std::string> phrases_in(const std::string& text) {
  std::vector<std::string> phrases;

  for (std::size_t open = text.find('"'); open != std::string::npos;) {
    const std::size_t close = text.find('"', open + 1);
    if (close == std::string::npos) break;
    if (close > open + 1) phrases.push_back(text.substr(open + 1, close - open - 1));
    open = text.find('"', close + 1);
  }

  std::size_t i = 0;
  while (i < text.size()) {
    const bool word_start = (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])));
    if (!word_start || !std::isupper(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    std::size_t end = i;
    // Extend over "Word Word ..." while the next word is capitalised too.
    while (true) {
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
      if (end + 1 < text.size() && text[end] == ' ' && std::isupper(static_cast<unsigned char>(text[end + 1]))) {
        ++end;
        continue;
      }
      break;
    }
    if (!is_sentence_start(text, start)) phrases.push_back(text.substr(start, end - start));
    i = end;
  }
  return phrases;
}

// ---------------------------------------------------------------------------
// Value changes.

std::optional<json> other_number(double value, bool integer, const std::string& query, std::mt19937_64& rng) {
  std::vector<double> others;
  for (const double number : numbers_in(query)) {
    if (number != value && (!integer || number == std::floor(number))) others.push_back(number);
  }
  if (!others.empty() && draw_unit(rng) < 0.5) {
    const double chosen = draw_element(rng, others);
    return integer ? json(static_cast<std::int64_t>(chosen)) : json(chosen);
  }

  if (integer) {
    // Beyond this the steps below could overflow; such values are ids, not
    // quantities a query states.
    if (std::fabs(value) > 1e15) return std::nullopt;
    static const std::vector<std::int64_t> kSteps = {1, 2, 5, 10, -1, -2, -5, -10};
    const auto original = static_cast<std::int64_t>(value);
    std::int64_t changed = original + draw_element(rng, kSteps);
    if (changed < 0 && original >= 0) changed = original + 3;
    if (draw_unit(rng) < 0.25 && original != 0) changed = original * 10;
    return json(changed);
  }

  // A rate given as a percentage or the other way round is the most common
  // numeric slip of real models, so scale by 100 half of the time.
  const double roll = draw_unit(rng);
  if (roll < 0.5 && value != 0.0) return json(value >= 1.0 ? value / 100.0 : value * 100.0);
  if (roll < 0.75) return json(value + 1.5);
  return json(value * 2.0 + 1.0);
}

std::optional<json> other_string(const CallState& state, std::size_t call, const std::string& key,
                                 const std::string& value, const std::string& query, std::mt19937_64& rng) {
  const json* schema = property_schema(state, call, key);
  if (schema != nullptr && schema->contains("enum") && (*schema)["enum"].is_array()) {
    std::vector<std::string> members;
    for (const json& member : (*schema)["enum"]) {
      if (member.is_string() && !loosely_equal(member, json(value))) members.push_back(member.get<std::string>());
    }
    if (!members.empty()) return json(draw_element(rng, members));
  }

  std::vector<std::string> candidates;
  for (const std::string& phrase : phrases_in(query)) {
    if (!loosely_equal(json(phrase), json(value))) candidates.push_back(phrase);
  }
  for (const auto& [other_key, other_value] : state.calls[call].arguments.items()) {
    if (other_key != key && other_value.is_string() && !loosely_equal(other_value, json(value))) {
      candidates.push_back(other_value.get<std::string>());
    }
  }
  if (!candidates.empty()) return json(draw_element(rng, candidates));

  // No other value in sight: keep only the first words of this one, as a
  // model that stopped copying early would. A single word has no such
  // variant, so the caller tries another argument.
  const std::size_t space = value.rfind(' ');
  if (space != std::string::npos && space > 0) return json(value.substr(0, space));
  return std::nullopt;
}

std::optional<json> other_scalar(const CallState& state, std::size_t call, const std::string& key,
                                 const json& value, const std::string& query, std::mt19937_64& rng) {
  if (value.is_boolean()) return json(!value.get<bool>());
  if (value.is_number_integer()) return other_number(value.get<double>(), true, query, rng);
  if (value.is_number_float()) return other_number(value.get<double>(), false, query, rng);
  if (value.is_string()) return other_string(state, call, key, value.get<std::string>(), query, rng);
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Type changes.

std::optional<json> number_from_text(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  try {
    if (text.find_first_of(".eE") == std::string::npos) {
      const long long integer = std::stoll(text, &used);
      if (used == text.size()) return json(integer);
    } else {
      const double number = std::stod(text, &used);
      if (used == text.size() && std::isfinite(number)) return json(number);
    }
  } catch (const std::exception&) {
    // std::stoll/std::stod reject text that is no number; then there is no conversion.
  }
  return std::nullopt;
}

std::string declared_type(const json* schema) {
  if (schema == nullptr || !schema->contains("type") || !(*schema)["type"].is_string()) return "";
  return (*schema)["type"].get<std::string>();
}

bool is_integer_type(const std::string& type) { return type == "integer"; }

// JSON Schema type names and BFCL's Python aliases. Java and JavaScript type
// names are left out: their values are source strings, which a schema check
// accepts for any declared type, so a changed type there is no clear fault.
bool is_json_type(const std::string& type) {
  static const std::set<std::string> kNames = {"string", "integer", "number", "float", "boolean",
                                                "array",  "tuple",   "object", "dict"};
  return kNames.count(type) > 0;
}

std::string declared_item_type(const json* schema) {
  if (schema == nullptr || !schema->contains("items") || !(*schema)["items"].is_object()) return "";
  return declared_type(&(*schema)["items"]);
}

bool is_integral_float(const json& value) {
  if (!value.is_number_float()) return false;
  const double number = value.get<double>();
  return std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 1e15;
}

std::optional<json> retyped_array(const json& value, const std::string& item_type, std::mt19937_64& rng) {
  const bool all_numbers = !value.empty() && std::all_of(value.begin(), value.end(), [](const json& element) {
    return element.is_number() && !element.is_boolean();
  });

  // Whole numbers written without ".0" in a list of floats: the most common
  // type fault of strong models. BFCL rejects it for list elements, a JSON
  // Schema check does not.
  const bool float_items = item_type == "float" || item_type == "number";
  if (all_numbers && float_items && std::any_of(value.begin(), value.end(), is_integral_float) &&
      draw_unit(rng) < 0.5) {
    json changed = json::array();
    for (const json& element : value) {
      changed.push_back(is_integral_float(element) ? json(static_cast<std::int64_t>(element.get<double>())) : element);
    }
    return changed;
  }

  if (all_numbers && draw_unit(rng) < 0.5) {
    json changed = json::array();
    for (const json& element : value) changed.push_back(element.dump());
    return changed;
  }
  return json(value.dump());
}

// Every change here gives a value that BFCL's checker rejects, and all but
// the integers in a list of floats also fail a JSON Schema check. An integer
// written for a float parameter is left out: both accept it.
std::optional<json> retyped_value(const json& value, const json* schema, std::mt19937_64& rng) {
  const std::string type = declared_type(schema);
  if (!is_json_type(type)) return std::nullopt;

  if (value.is_boolean()) {
    if (draw_unit(rng) < 0.3) return json(value.get<bool>() ? "True" : "False");
    return json(value.get<bool>() ? "true" : "false");
  }
  if (value.is_number_integer() && is_integer_type(type) && draw_unit(rng) < 0.5) {
    return json(value.get<double>());
  }
  if (value.is_number()) return json(value.dump());

  if (value.is_string()) {
    if (type != "string") return std::nullopt;
    if (std::optional<json> number = number_from_text(value.get<std::string>())) return number;
    return json::array({value});
  }

  if (value.is_array()) return retyped_array(value, declared_item_type(schema), rng);
  if (value.is_object()) return json(value.dump());
  return std::nullopt;
}

// Upper, lower and title case of `text` that differ from it and are not
// members of the enum themselves.
std::vector<std::string> other_cases(const std::string& text, const json& members) {
  std::string upper = text;
  std::string lower = text;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string title = lower;
  if (!title.empty()) title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));

  std::vector<std::string> recased;
  for (const std::string& candidate : {upper, lower, title}) {
    const bool member = std::any_of(members.begin(), members.end(), [&](const json& m) {
      return m.is_string() && m.get<std::string>() == candidate;
    });
    const bool seen = std::find(recased.begin(), recased.end(), candidate) != recased.end();
    if (candidate != text && !member && !seen) recased.push_back(candidate);
  }
  return recased;
}

// ---------------------------------------------------------------------------
// Name changes.

std::vector<std::string> misspellings(const std::string& name) {
  std::vector<std::string> variants;
  const auto letter = [&](std::size_t i) { return std::isalpha(static_cast<unsigned char>(name[i])) != 0; };
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (letter(i) && name.size() > 2) variants.push_back(name.substr(0, i) + name.substr(i + 1));
    if (letter(i)) variants.push_back(name.substr(0, i + 1) + name.substr(i));
    if (i + 1 < name.size() && letter(i) && letter(i + 1) && name[i] != name[i + 1]) {
      std::string swapped = name;
      std::swap(swapped[i], swapped[i + 1]);
      variants.push_back(swapped);
    }
    if (name[i] == '_') variants.push_back(name.substr(0, i) + "." + name.substr(i + 1));
  }
  return variants;
}

}  // namespace

CallState make_call_state(const Record& record) {
  CallState state;
  state.calls = *record.gold;

  std::vector<bool> used(record.acceptable && record.acceptable->is_array() ? record.acceptable->size() : 0, false);
  for (const Call& call : state.calls) {
    state.tools.push_back(find_tool(record.tools, call.name));

    // BFCL lists one acceptable entry per call; match by function name, each entry once.
    const json* acceptable = nullptr;
    for (std::size_t j = 0; j < used.size() && acceptable == nullptr; ++j) {
      const json& entry = (*record.acceptable)[j];
      if (used[j] || !entry.is_object()) continue;
      const auto found = entry.find(call.name);
      if (found != entry.end() && found->is_object()) {
        used[j] = true;
        acceptable = &*found;
      }
    }
    state.acceptable.push_back(acceptable);
  }
  return state;
}

bool misspell_name(CallState& state, const Record& record, std::mt19937_64& rng) {
  if (state.calls.empty()) return false;
  Call& call = state.calls[draw_index(rng, state.calls.size())];

  // Native tool-calling APIs allow no dots in names, so models behind them
  // write `a_b` for `a.b`; that is the most frequent real misspelling.
  std::vector<std::string> variants;
  if (call.name.find('.') != std::string::npos && draw_unit(rng) < 0.5) {
    std::string underscored = call.name;
    std::replace(underscored.begin(), underscored.end(), '.', '_');
    variants.push_back(underscored);
  } else {
    variants = misspellings(call.name);
  }
  variants.erase(std::remove_if(variants.begin(), variants.end(),
                                [&](const std::string& variant) {
                                  return variant == call.name || find_tool(record.tools, variant) != nullptr;
                                }),
                 variants.end());
  if (variants.empty()) return false;

  call.name = draw_element(rng, variants);
  return true;
}

bool drop_required_argument(CallState& state, const Record& record, std::mt19937_64& rng) {
  (void)record;
  std::vector<std::pair<std::size_t, std::string>> candidates;
  for (std::size_t i = 0; i < state.calls.size(); ++i) {
    for (const std::string& key : required_of(state.tools[i])) {
      if (state.calls[i].arguments.contains(key) && !state.touched.count({i, key})) candidates.emplace_back(i, key);
    }
  }
  if (candidates.empty()) return false;

  const auto& [call, key] = draw_element(rng, candidates);
  state.calls[call].arguments.erase(key);
  state.touched.insert({call, key});
  return true;
}

bool invent_argument(CallState& state, const Record& record, std::mt19937_64& rng) {
  (void)record;
  // Names and values real models add on their own: common option names of
  // web APIs, not present in the tool definition.
  static const std::vector<std::pair<std::string, json>> kInventions = {
      {"format", "json"},       {"verbose", true},      {"limit", 10},         {"language", "en"},
      {"units", "metric"},      {"timezone", "UTC"},    {"include_details", true}, {"page", 1},
      {"sort_order", "asc"},    {"region", "US"},       {"api_version", "v2"}, {"max_results", 5},
      {"debug", false},         {"source", "user"},     {"priority", "high"},  {"confirm", true},
  };
  if (state.calls.empty()) return false;

  const std::size_t call = draw_index(rng, state.calls.size());
  const json* properties = properties_of(state.tools[call]);
  std::vector<std::pair<std::string, json>> options;
  for (const auto& invention : kInventions) {
    const bool declared = properties != nullptr && properties->contains(invention.first);
    if (!declared && !state.calls[call].arguments.contains(invention.first)) options.push_back(invention);
  }
  if (options.empty()) return false;

  const auto& [key, value] = draw_element(rng, options);
  state.calls[call].arguments[key] = value;
  state.touched.insert({call, key});
  return true;
}

bool change_value(CallState& state, const Record& record, std::mt19937_64& rng) {
  return change_some_argument(state, rng, [&](std::size_t call, const std::string& key,
                                              const json& value) -> std::optional<json> {
    std::optional<json> changed;
    if (value.is_array() && !value.empty()) {
      // Change one element of a list, as a model that misread one item would.
      const std::size_t index = draw_index(rng, value.size());
      const std::optional<json> element = other_scalar(state, call, key, value[index], record.query, rng);
      if (element) {
        changed = value;
        (*changed)[index] = *element;
      }
    } else {
      changed = other_scalar(state, call, key, value, record.query, rng);
    }
    if (!changed || still_correct(state, call, key, value, *changed)) return std::nullopt;
    return changed;
  });
}

bool change_enum_case(CallState& state, const Record& record, std::mt19937_64& rng) {
  (void)record;
  return change_some_argument(state, rng, [&](std::size_t call, const std::string& key,
                                              const json& value) -> std::optional<json> {
    const json* schema = property_schema(state, call, key);
    if (schema == nullptr) return std::nullopt;

    // Enums of an array argument sit on its item schema.
    const bool is_list = value.is_array();
    const json* holder = schema;
    if (is_list) {
      const auto items = schema->find("items");
      if (items == schema->end() || !items->is_object()) return std::nullopt;
      holder = &*items;
    }
    const auto members = holder->find("enum");
    if (members == holder->end() || !members->is_array()) return std::nullopt;

    std::size_t position = 0;
    if (is_list) {
      std::vector<std::size_t> positions;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i].is_string()) positions.push_back(i);
      }
      if (positions.empty()) return std::nullopt;
      position = draw_element(rng, positions);
    }
    const json& target = is_list ? value[position] : value;
    if (!target.is_string()) return std::nullopt;

    const std::vector<std::string> recased = other_cases(target.get<std::string>(), *members);
    if (recased.empty()) return std::nullopt;

    json changed = value;
    (is_list ? changed[position] : changed) = draw_element(rng, recased);
    return changed;
  });
}

bool change_type(CallState& state, const Record& record, std::mt19937_64& rng) {
  (void)record;
  // Real type faults are mostly numbers and booleans written as strings, so
  // a non-numeric string is wrapped in a list only when nothing else can change.
  const auto wrapped_string = [](const json& value) {
    return value.is_string() && !number_from_text(value.get<std::string>());
  };
  const bool changed = change_some_argument(state, rng, [&](std::size_t call, const std::string& key,
                                                            const json& value) -> std::optional<json> {
    if (wrapped_string(value)) return std::nullopt;
    return retyped_value(value, property_schema(state, call, key), rng);
  });
  if (changed) return true;
  return change_some_argument(state, rng, [&](std::size_t call, const std::string& key,
                                              const json& value) -> std::optional<json> {
    return retyped_value(value, property_schema(state, call, key), rng);
  });
}

}  // namespace trm::tasks::function_call::fault_kinds
