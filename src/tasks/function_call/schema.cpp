#include "trm/tasks/function_call/schema.h"

#include <map>
#include <stdexcept>

namespace trm::tasks::function_call {

namespace {

// JSON kind that a declared type name is checked against.
enum class Kind { kString, kInteger, kNumber, kBoolean, kArray, kObject, kNull, kAny };

struct TypeInfo {
  Kind kind;
  // Java and JavaScript type names: BFCL's ground-truth values for those
  // categories are mostly strings containing a source expression (`"new ArrayList<>()"`,
  // `"React.createContext()"`), so a string is accepted for them as well.
  bool accepts_source_string;
};

const std::map<std::string, TypeInfo>& type_table() {
  static const std::map<std::string, TypeInfo> table = {
      // JSON Schema names and the aliases of BFCL's Python dialect.
      {"string", {Kind::kString, false}},
      {"integer", {Kind::kInteger, false}},
      {"number", {Kind::kNumber, false}},
      {"float", {Kind::kNumber, false}},
      {"boolean", {Kind::kBoolean, false}},
      {"array", {Kind::kArray, false}},
      {"tuple", {Kind::kArray, false}},
      {"object", {Kind::kObject, false}},
      {"dict", {Kind::kObject, false}},
      {"null", {Kind::kNull, false}},
      {"any", {Kind::kAny, false}},
      // Java and JavaScript names used by BFCL's simple_java and
      // simple_javascript categories.
      {"String", {Kind::kString, true}},
      {"char", {Kind::kString, true}},
      {"Character", {Kind::kString, true}},
      {"int", {Kind::kInteger, true}},
      {"long", {Kind::kInteger, true}},
      {"short", {Kind::kInteger, true}},
      {"byte", {Kind::kInteger, true}},
      {"Integer", {Kind::kInteger, true}},
      {"Long", {Kind::kInteger, true}},
      {"Short", {Kind::kInteger, true}},
      {"Byte", {Kind::kInteger, true}},
      {"double", {Kind::kNumber, true}},
      {"Double", {Kind::kNumber, true}},
      {"Float", {Kind::kNumber, true}},
      {"Number", {Kind::kNumber, true}},
      {"Boolean", {Kind::kBoolean, true}},
      {"Array", {Kind::kArray, true}},
      {"ArrayList", {Kind::kArray, true}},
      {"List", {Kind::kArray, true}},
      {"Set", {Kind::kArray, true}},
      {"HashMap", {Kind::kObject, true}},
      {"Map", {Kind::kObject, true}},
      {"Object", {Kind::kAny, false}},
      {"Any", {Kind::kAny, false}},
      // One BFCL JavaScript property declares the empty type name.
      {"", {Kind::kAny, false}},
  };
  return table;
}

bool kind_matches(Kind kind, const json& value) {
  switch (kind) {
    case Kind::kString: return value.is_string();
    // A float is never an integer, even 5.0: BFCL's checker compares Python
    // types, and json.loads reads 5.0 as a float.
    case Kind::kInteger: return value.is_number_integer();
    case Kind::kNumber: return value.is_number();
    case Kind::kBoolean: return value.is_boolean();
    case Kind::kArray: return value.is_array();
    case Kind::kObject: return value.is_object();
    case Kind::kNull: return value.is_null();
    case Kind::kAny: return true;
  }
  return false;
}

// Short text of a value for messages. Long values are cut.
std::string describe(const json& value) {
  constexpr std::size_t kMaxLength = 60;
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength) + "...";
  return text;
}

std::string join_keys(const json& object) {
  std::string text;
  for (const auto& [key, unused] : object.items()) {
    if (!text.empty()) text += ", ";
    text += key;
  }
  return text.empty() ? "none" : text;
}

class Validator {
 public:
  const std::vector<SchemaIssue>& issues() const { return issues_; }

  void add(const char* kind, const std::string& path, const std::string& message) {
    issues_.push_back(SchemaIssue{kind, path, message});
  }

  // Checks an argument object, or a nested object value, against a schema
  // with `properties`, `required` and `additionalProperties`. Keys outside
  // `properties` are rejected unless `additionalProperties` allows them. For
  // nested objects that is stricter than JSON Schema's default, because
  // function definitions that list properties list all of them.
  void check_object(const json& object, const json& schema, const std::string& path,
                    bool require_properties) {
    const json* properties = member_object(schema, "properties");

    const auto required = schema.find("required");
    if (required != schema.end() && required->is_array()) {
      for (const json& name : *required) {
        if (!name.is_string() || object.contains(name.get<std::string>())) continue;
        add("missing_required", path + "." + name.get<std::string>(),
            "required argument '" + name.get<std::string>() + "' is missing");
      }
    }

    // Without `properties`, a nested object is free-form. Function arguments
    // are not, because a function without properties takes no arguments.
    if (properties == nullptr && !require_properties) return;
    static const json kNoProperties = json::object();
    const json& declared = properties != nullptr ? *properties : kNoProperties;

    const auto additional = schema.find("additionalProperties");
    for (const auto& [key, value] : object.items()) {
      const std::string key_path = path + "." + key;
      const auto property = declared.find(key);
      if (property != declared.end()) {
        check_value(value, *property, key_path);
      } else if (additional != schema.end() && additional->is_object()) {
        check_value(value, *additional, key_path);
      } else if (additional == schema.end() || *additional != true) {
        add("unknown_argument", key_path,
            "'" + key + "' is not a declared parameter (declared: " + join_keys(declared) + ")");
      }
    }
  }

 private:
  static const json* member_object(const json& schema, const char* key) {
    const auto it = schema.find(key);
    return it != schema.end() && it->is_object() ? &*it : nullptr;
  }

  void check_value(const json& value, const json& schema, const std::string& path) {
    if (!schema.is_object()) return;

    // Optional parameters whose declared default is null (Python's None) may
    // be passed as null: BFCL lists null among their acceptable values.
    const auto default_value = schema.find("default");
    const bool null_allowed = (default_value != schema.end() && default_value->is_null()) ||
                              schema.value("nullable", false) == true;
    if (value.is_null() && null_allowed) return;

    bool structured = true;
    if (!check_type(value, schema, path, structured)) return;
    if (!check_enum(value, schema, path)) return;
    // A source-expression string for a Java/JavaScript type has no inner structure to check.
    if (!structured) return;

    if (value.is_array()) check_items(value, schema, path);
    if (value.is_object()) check_object(value, schema, path, /*require_properties=*/false);
  }

  // Returns false, after recording the issue, when no declared type accepts
  // the value. `structured` is cleared when only the source-string rule did.
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
      // NOTE: a type name outside the table is not checked, so an unfamiliar
      // dialect yields no false issues but also no type checks.
      if (info == type_table().end()) return true;
      if (kind_matches(info->second.kind, value)) return true;
      if (info->second.accepts_source_string && value.is_string()) source_string = true;
    }
    if (source_string) {
      structured = false;
      return true;
    }

    std::string expected;
    for (const std::string& name : names) expected += (expected.empty() ? "" : " or ") + name;
    add("wrong_type", path,
        "expected " + expected + ", got " + value.type_name() + " " + describe(value));
    return false;
  }

  // Values compare with nlohmann::json equality, so 5 and 5.0 are equal but
  // "5" and 5 are not. An enum of scalars on an array-typed parameter (a
  // common BFCL pattern) constrains the elements.
  bool check_enum(const json& value, const json& schema, const std::string& path) {
    const auto allowed = schema.find("enum");
    if (allowed == schema.end() || !allowed->is_array()) return true;

    const auto in_enum = [&allowed](const json& item) {
      for (const json& option : *allowed) {
        if (option == item) return true;
      }
      return false;
    };
    if (in_enum(value)) return true;

    bool enum_has_arrays = false;
    for (const json& option : *allowed) enum_has_arrays = enum_has_arrays || option.is_array();
    if (value.is_array() && !enum_has_arrays) {
      bool all_in = true;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (in_enum(value[i])) continue;
        add("not_in_enum", path + "[" + std::to_string(i) + "]",
            describe(value[i]) + " is not one of " + describe(*allowed));
        all_in = false;
      }
      return all_in;
    }

    add("not_in_enum", path, describe(value) + " is not one of " + describe(*allowed));
    return false;
  }

  // `items` as one schema applies to every element; as an array (tuple
  // validation) it applies position by position.
  void check_items(const json& array, const json& schema, const std::string& path) {
    const auto items = schema.find("items");
    if (items == schema.end()) return;

    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (items->is_object()) {
        check_value(array[i], *items, item_path);
      } else if (items->is_array() && i < items->size()) {
        check_value(array[i], (*items)[i], item_path);
      }
    }
  }

  std::vector<SchemaIssue> issues_;
};

// Function name to definition; the first definition of a name wins.
std::map<std::string, const json*> index_tools(const json& tools) {
  if (!tools.is_array()) {
    throw std::invalid_argument(std::string("tools: must be an array of function definitions, got ") +
                                tools.type_name());
  }

  std::map<std::string, const json*> by_name;
  for (std::size_t i = 0; i < tools.size(); ++i) {
    const json& tool = tools[i];
    const auto name = tool.is_object() ? tool.find("name") : tool.end();
    if (!tool.is_object() || name == tool.end() || !name->is_string()) {
      throw std::invalid_argument("tools[" + std::to_string(i) +
                                  "]: must be an object with a string 'name'");
    }
    by_name.emplace(name->get<std::string>(), &tool);
  }
  return by_name;
}

std::string join_names(const std::map<std::string, const json*>& by_name) {
  std::string text;
  for (const auto& [name, unused] : by_name) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "none" : text;
}

}  // namespace

std::vector<SchemaIssue> validate_calls(const CallList& calls, const json& tools) {
  const std::map<std::string, const json*> by_name = index_tools(tools);
  if (calls.empty()) {
    return {SchemaIssue{"empty_call_list", "calls", "the call list is empty, but at least one call is expected"}};
  }

  Validator validator;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& call = calls[i];
    const std::string path = "calls[" + std::to_string(i) + "]";

    const auto tool = by_name.find(call.name);
    if (tool == by_name.end()) {
      validator.add("unknown_function", path + ".name",
                    "function '" + call.name + "' is not defined (defined: " + join_names(by_name) + ")");
      continue;
    }

    const auto parameters = tool->second->find("parameters");
    static const json kNoParameters = json::object();
    const json& schema =
        parameters != tool->second->end() && parameters->is_object() ? *parameters : kNoParameters;
    validator.check_object(call.arguments, schema, path + ".arguments", /*require_properties=*/true);
  }
  return validator.issues();
}

}  // namespace trm::tasks::function_call
