#include "trm/tasks/function_call/json_schema.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace trm::tasks::function_call {
namespace {

using json = nlohmann::json;

// JSON kind that a declared type name is checked against.
enum class Kind { kString, kInteger, kNumber, kBoolean, kArray, kObject, kNull, kAny };

struct TypeInfo {
  Kind kind;
  // Standard JSON Schema name (else an alias, accepted only with type_aliases).
  bool standard;
  // Java and JavaScript type names: BFCL's expected values for those languages
  // are mostly strings containing a source expression (`"new ArrayList<>()"`).
  bool source_string;
};

const std::map<std::string, TypeInfo>& type_table() {
  static const std::map<std::string, TypeInfo> table = {
      {"string", {Kind::kString, true, false}},
      {"integer", {Kind::kInteger, true, false}},
      {"number", {Kind::kNumber, true, false}},
      {"boolean", {Kind::kBoolean, true, false}},
      {"array", {Kind::kArray, true, false}},
      {"object", {Kind::kObject, true, false}},
      {"null", {Kind::kNull, true, false}},
      // Aliases of BFCL's Python dialect and OpenAPI-style generators.
      {"float", {Kind::kNumber, false, false}},
      {"tuple", {Kind::kArray, false, false}},
      {"dict", {Kind::kObject, false, false}},
      {"any", {Kind::kAny, false, false}},
      // Java and JavaScript names of BFCL's simple_java and simple_javascript categories.
      {"String", {Kind::kString, false, true}},
      {"char", {Kind::kString, false, true}},
      {"Character", {Kind::kString, false, true}},
      {"int", {Kind::kInteger, false, true}},
      {"long", {Kind::kInteger, false, true}},
      {"short", {Kind::kInteger, false, true}},
      {"byte", {Kind::kInteger, false, true}},
      {"Integer", {Kind::kInteger, false, true}},
      {"Long", {Kind::kInteger, false, true}},
      {"Short", {Kind::kInteger, false, true}},
      {"Byte", {Kind::kInteger, false, true}},
      {"double", {Kind::kNumber, false, true}},
      {"Double", {Kind::kNumber, false, true}},
      {"Float", {Kind::kNumber, false, true}},
      {"Number", {Kind::kNumber, false, true}},
      {"Boolean", {Kind::kBoolean, false, true}},
      {"Array", {Kind::kArray, false, true}},
      {"ArrayList", {Kind::kArray, false, true}},
      {"List", {Kind::kArray, false, true}},
      {"Set", {Kind::kArray, false, true}},
      {"HashMap", {Kind::kObject, false, true}},
      {"Map", {Kind::kObject, false, true}},
      {"Object", {Kind::kAny, false, false}},
      {"Any", {Kind::kAny, false, false}},
      // One BFCL JavaScript property declares the empty type name.
      {"", {Kind::kAny, false, false}},
  };
  return table;
}

// Keywords with nothing to check: annotations, and containers that are only
// reached through a keyword that is itself not checked.
const std::set<std::string>& annotation_keywords() {
  static const std::set<std::string> keywords = {
      "default", "description", "title", "examples", "format", "$schema", "$id", "id", "$comment",
      "readOnly", "writeOnly", "deprecated", "definitions", "$defs", "example", "optional",
      "contentEncoding", "contentMediaType", "x-nullable"};
  return keywords;
}

std::string describe(const json& value) {
  constexpr std::size_t kMaxLength = 60;
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength) + "...";
  return text;
}

std::string join_keys(const json& object) {
  std::string text;
  for (const auto& item : object.items()) text += (text.empty() ? "" : ", ") + item.key();
  return text.empty() ? "none" : text;
}

std::size_t utf8_length(const std::string& text) {
  std::size_t count = 0;
  for (unsigned char byte : text) count += (byte & 0xC0) != 0x80;
  return count;
}

bool is_integral(const json& value, bool integral_float_is_integer) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float() || !integral_float_is_integer) return false;
  const double number = value.get<double>();
  return std::isfinite(number) && std::floor(number) == number;
}

class Validator {
 public:
  Validator(const SchemaDialect& dialect, SchemaCheck& out) : dialect_(dialect), out_(out) {}

  void check(const json& value, const json& schema, const std::string& path) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) fail("false", path, "no value is allowed here");
      return;
    }
    if (!schema.is_object()) return;

    for (const auto& item : schema.items()) {
      if (known_.count(item.key()) || annotation_keywords().count(item.key())) continue;
      if (std::find(unchecked_keywords().begin(), unchecked_keywords().end(), item.key()) !=
          unchecked_keywords().end()) {
        out_.unchecked.push_back(item.key() + " at " + path);
      }
      // Other keys are not JSON Schema keywords; the standard ignores them.
    }

    if (value.is_null() && null_allowed(schema)) return;
    bool structured = true;
    if (!check_type(value, schema, path, structured)) return;
    if (!check_enum_const(value, schema, path)) return;
    if (!structured) return;  // a source-expression string has no inner structure

    check_number(value, schema, path);
    check_string(value, schema, path);
    if (value.is_array()) check_array(value, schema, path);
    if (value.is_object()) check_object(value, schema, path);
    check_combinators(value, schema, path);
  }

 private:
  void fail(const std::string& keyword, const std::string& path, const std::string& message) {
    out_.violations.push_back({keyword, path, message});
  }

  // Validates in a scratch result: for anyOf, oneOf, not and if, where a
  // failing branch is not itself a violation.
  SchemaCheck trial(const json& value, const json& schema, const std::string& path) {
    SchemaCheck scratch;
    Validator(dialect_, scratch).check(value, schema, path);
    out_.unchecked.insert(out_.unchecked.end(), scratch.unchecked.begin(), scratch.unchecked.end());
    return scratch;
  }

  bool null_allowed(const json& schema) const {
    if (schema.value("nullable", false) == true) return true;
    const auto found = schema.find("default");
    return dialect_.null_default_allows_null && found != schema.end() && found->is_null();
  }

  bool kind_matches(Kind kind, const json& value) const {
    switch (kind) {
      case Kind::kString: return value.is_string();
      case Kind::kInteger: return is_integral(value, dialect_.integral_float_is_integer);
      case Kind::kNumber: return value.is_number();
      case Kind::kBoolean: return value.is_boolean();
      case Kind::kArray: return value.is_array();
      case Kind::kObject: return value.is_object();
      case Kind::kNull: return value.is_null();
      case Kind::kAny: return true;
    }
    return false;
  }

  // Returns false, after recording the violation, when no declared type
  // accepts the value. `structured` is cleared when only a source string did.
  bool check_type(const json& value, const json& schema, const std::string& path, bool& structured) {
    const auto type = schema.find("type");
    if (type == schema.end()) return true;
    std::vector<std::string> names;
    if (type->is_string()) names.push_back(type->get<std::string>());
    if (type->is_array()) {
      for (const json& name : *type) {
        if (name.is_string()) names.push_back(name.get<std::string>());
      }
    }
    if (names.empty()) return true;

    bool source_string = false;
    for (const std::string& name : names) {
      const auto info = type_table().find(name);
      if (info == type_table().end() || (!info->second.standard && !dialect_.type_aliases)) {
        out_.unchecked.push_back("type '" + name + "' at " + path);
        return true;
      }
      if (kind_matches(info->second.kind, value)) return true;
      if (dialect_.source_strings && info->second.source_string && value.is_string()) source_string = true;
    }
    if (source_string) {
      structured = false;
      return true;
    }
    std::string expected;
    for (const std::string& name : names) expected += (expected.empty() ? "" : " or ") + name;
    fail("type", path, "expected " + expected + ", got " + value.type_name() + " " + describe(value));
    return false;
  }

  // nlohmann::json equality: 5 equals 5.0, "5" does not equal 5.
  bool check_enum_const(const json& value, const json& schema, const std::string& path) {
    const auto constant = schema.find("const");
    if (constant != schema.end() && *constant != value) {
      fail("const", path, describe(value) + " is not " + describe(*constant));
      return false;
    }
    const auto allowed = schema.find("enum");
    if (allowed == schema.end() || !allowed->is_array()) return true;
    const auto in_enum = [&allowed](const json& item) {
      return std::find(allowed->begin(), allowed->end(), item) != allowed->end();
    };
    if (in_enum(value)) return true;

    const bool enum_has_arrays = std::any_of(allowed->begin(), allowed->end(), [](const json& o) { return o.is_array(); });
    if (dialect_.enum_applies_to_elements && value.is_array() && !enum_has_arrays) {
      bool all_in = true;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (in_enum(value[i])) continue;
        fail("enum", path + "[" + std::to_string(i) + "]", describe(value[i]) + " is not one of " + describe(*allowed));
        all_in = false;
      }
      return all_in;
    }
    fail("enum", path, describe(value) + " is not one of " + describe(*allowed));
    return false;
  }

  void check_number(const json& value, const json& schema, const std::string& path) {
    if (!value.is_number()) return;
    const double number = value.get<double>();
    const auto bound = [&](const char* keyword) -> const json* {
      const auto found = schema.find(keyword);
      return found != schema.end() && found->is_number() ? &*found : nullptr;
    };
    // Draft 4 writes exclusiveMaximum as a boolean beside maximum; later drafts as a number.
    const bool exclusive_max_flag = schema.value("exclusiveMaximum", json()).is_boolean() && schema["exclusiveMaximum"] == true;
    const bool exclusive_min_flag = schema.value("exclusiveMinimum", json()).is_boolean() && schema["exclusiveMinimum"] == true;
    if (const json* maximum = bound("maximum")) {
      const double limit = maximum->get<double>();
      if (exclusive_max_flag ? number >= limit : number > limit) {
        fail("maximum", path, describe(value) + (exclusive_max_flag ? " is not below " : " is above ") + describe(*maximum));
      }
    }
    if (const json* minimum = bound("minimum")) {
      const double limit = minimum->get<double>();
      if (exclusive_min_flag ? number <= limit : number < limit) {
        fail("minimum", path, describe(value) + (exclusive_min_flag ? " is not above " : " is below ") + describe(*minimum));
      }
    }
    if (const json* limit = bound("exclusiveMaximum"); limit && number >= limit->get<double>()) {
      fail("exclusiveMaximum", path, describe(value) + " is not below " + describe(*limit));
    }
    if (const json* limit = bound("exclusiveMinimum"); limit && number <= limit->get<double>()) {
      fail("exclusiveMinimum", path, describe(value) + " is not above " + describe(*limit));
    }
    if (const json* divisor = bound("multipleOf"); divisor && divisor->get<double>() > 0) {
      const double quotient = number / divisor->get<double>();
      const bool whole = std::isfinite(quotient) && std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
      if (!whole) fail("multipleOf", path, describe(value) + " is not a multiple of " + describe(*divisor));
    }
  }

  void check_string(const json& value, const json& schema, const std::string& path) {
    if (!value.is_string()) return;
    const std::string& text = value.get_ref<const std::string&>();
    const std::size_t length = utf8_length(text);
    if (const auto found = schema.find("maxLength"); found != schema.end() && found->is_number_unsigned() &&
                                                     length > found->get<std::size_t>()) {
      fail("maxLength", path, "length " + std::to_string(length) + " is above " + describe(*found));
    }
    if (const auto found = schema.find("minLength"); found != schema.end() && found->is_number_unsigned() &&
                                                     length < found->get<std::size_t>()) {
      fail("minLength", path, "length " + std::to_string(length) + " is below " + describe(*found));
    }
    if (const auto found = schema.find("pattern"); found != schema.end() && found->is_string()) {
      const auto matches = search(found->get<std::string>(), text, path);
      if (matches.has_value() && !*matches) {
        fail("pattern", path, describe(value) + " does not match " + describe(*found));
      }
    }
  }

  // ECMAScript regex search; nullopt (and "not checked") when std::regex rejects the pattern.
  std::optional<bool> search(const std::string& pattern, const std::string& text, const std::string& path) {
    try {
      return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      out_.unchecked.push_back("pattern '" + pattern + "' (not a supported regex) at " + path);
      return std::nullopt;
    }
  }

  void check_array(const json& array, const json& schema, const std::string& path) {
    const auto items = schema.find("items");
    const auto additional = schema.find("additionalItems");
    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (items == schema.end()) break;
      if (items->is_array()) {
        if (i < items->size()) {
          check(array[i], (*items)[i], item_path);
        } else if (additional != schema.end()) {
          check(array[i], *additional, item_path);
        }
      } else {
        check(array[i], *items, item_path);
      }
    }
    if (const auto found = schema.find("maxItems"); found != schema.end() && found->is_number_unsigned() &&
                                                    array.size() > found->get<std::size_t>()) {
      fail("maxItems", path, std::to_string(array.size()) + " items, more than " + describe(*found));
    }
    if (const auto found = schema.find("minItems"); found != schema.end() && found->is_number_unsigned() &&
                                                    array.size() < found->get<std::size_t>()) {
      fail("minItems", path, std::to_string(array.size()) + " items, fewer than " + describe(*found));
    }
    if (schema.value("uniqueItems", false) == true) {
      for (std::size_t i = 0; i < array.size(); ++i) {
        for (std::size_t j = i + 1; j < array.size(); ++j) {
          if (array[i] == array[j]) {
            fail("uniqueItems", path, "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal");
            return;
          }
        }
      }
    }
    if (const auto contains = schema.find("contains"); contains != schema.end()) {
      const bool found = std::any_of(array.begin(), array.end(),
                                     [&](const json& item) { return trial(item, *contains, path).valid(); });
      if (!found) fail("contains", path, "no item matches the 'contains' schema");
    }
  }

  void check_object(const json& object, const json& schema, const std::string& path) {
    const auto required = schema.find("required");
    if (required != schema.end() && required->is_array()) {
      for (const json& name : *required) {
        if (!name.is_string() || object.contains(name.get<std::string>())) continue;
        fail("required", path + "." + name.get<std::string>(),
             "required property '" + name.get<std::string>() + "' is missing");
      }
    }

    static const json kNone = json::object();
    const auto properties_it = schema.find("properties");
    const json& properties = properties_it != schema.end() && properties_it->is_object() ? *properties_it : kNone;
    const auto patterns_it = schema.find("patternProperties");
    const json& patterns = patterns_it != schema.end() && patterns_it->is_object() ? *patterns_it : kNone;
    const auto additional = schema.find("additionalProperties");
    const bool closed = dialect_.closed_properties && properties_it != schema.end();

    for (const auto& item : object.items()) {
      const std::string key_path = path + "." + item.key();
      bool matched = false;
      if (const auto property = properties.find(item.key()); property != properties.end()) {
        check(item.value(), *property, key_path);
        matched = true;
      }
      for (const auto& pattern : patterns.items()) {
        const auto hit = search(pattern.key(), item.key(), key_path);
        if (hit.value_or(false)) {
          check(item.value(), pattern.value(), key_path);
          matched = true;
        }
      }
      if (matched) continue;
      if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          fail("additionalProperties", key_path,
               "'" + item.key() + "' is not a declared property (declared: " + join_keys(properties) + ")");
        } else {
          check(item.value(), *additional, key_path);
        }
      } else if (closed) {
        fail("additionalProperties", key_path,
             "'" + item.key() + "' is not a declared property (declared: " + join_keys(properties) + ")");
      }
    }

    if (const auto names = schema.find("propertyNames"); names != schema.end()) {
      for (const auto& item : object.items()) check(json(item.key()), *names, path + "." + item.key());
    }
    if (const auto found = schema.find("maxProperties"); found != schema.end() && found->is_number_unsigned() &&
                                                         object.size() > found->get<std::size_t>()) {
      fail("maxProperties", path, std::to_string(object.size()) + " properties, more than " + describe(*found));
    }
    if (const auto found = schema.find("minProperties"); found != schema.end() && found->is_number_unsigned() &&
                                                         object.size() < found->get<std::size_t>()) {
      fail("minProperties", path, std::to_string(object.size()) + " properties, fewer than " + describe(*found));
    }
  }

  void check_combinators(const json& value, const json& schema, const std::string& path) {
    if (const auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
      for (const json& branch : *all) check(value, branch, path);
    }
    if (const auto any = schema.find("anyOf"); any != schema.end() && any->is_array()) {
      const bool matched = std::any_of(any->begin(), any->end(), [&](const json& b) { return trial(value, b, path).valid(); });
      if (!matched) fail("anyOf", path, describe(value) + " matches none of the anyOf schemas");
    }
    if (const auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
      const auto count = std::count_if(one->begin(), one->end(), [&](const json& b) { return trial(value, b, path).valid(); });
      if (count != 1) {
        fail("oneOf", path, describe(value) + " matches " + std::to_string(count) + " of the oneOf schemas, not exactly 1");
      }
    }
    if (const auto negated = schema.find("not"); negated != schema.end() && trial(value, *negated, path).valid()) {
      fail("not", path, describe(value) + " matches the 'not' schema");
    }
    if (const auto condition = schema.find("if"); condition != schema.end()) {
      const char* branch = trial(value, *condition, path).valid() ? "then" : "else";
      if (const auto found = schema.find(branch); found != schema.end()) check(value, *found, path);
    }
  }

  const SchemaDialect& dialect_;
  SchemaCheck& out_;
  const std::set<std::string> known_{checked_keywords().begin(), checked_keywords().end()};
};

}  // namespace

const std::vector<std::string>& checked_keywords() {
  static const std::vector<std::string> keywords = {
      "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
      "propertyNames", "minProperties", "maxProperties", "items", "additionalItems", "contains", "minItems",
      "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
      "minLength", "maxLength", "pattern", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "nullable"};
  return keywords;
}

const std::vector<std::string>& unchecked_keywords() {
  static const std::vector<std::string> keywords = {
      "$ref", "$dynamicRef", "$recursiveRef", "dependencies", "dependentRequired", "dependentSchemas",
      "prefixItems", "unevaluatedItems", "unevaluatedProperties", "minContains", "maxContains", "discriminator"};
  return keywords;
}

SchemaCheck validate_json(const json& value, const json& schema, const SchemaDialect& dialect,
                          const std::string& path) {
  SchemaCheck out;
  Validator(dialect, out).check(value, schema, path);
  return out;
}

}  // namespace trm::tasks::function_call
