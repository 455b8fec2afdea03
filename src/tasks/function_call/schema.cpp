#include "trm/tasks/function_call/schema.h"

#include "trm/tasks/function_call/json_schema.h"
#include "trm/tasks/function_call/parse.h"

#include <map>
#include <stdexcept>

namespace trm::tasks::function_call {

namespace {

// Issue kinds of the keywords that function-call reports have always named.
std::string issue_kind(const std::string& keyword) {
  if (keyword == "type") return "wrong_type";
  if (keyword == "enum") return "not_in_enum";
  if (keyword == "required") return "missing_required";
  if (keyword == "additionalProperties") return "unknown_argument";
  return keyword;
}

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

std::vector<SchemaIssue> validate_calls(const CallList& calls, const json& tools,
                                       std::vector<std::string>* not_checked) {
  const std::map<std::string, const json*> by_name = index_tools(tools);
  if (calls.empty()) {
    return {SchemaIssue{"empty_call_list", "calls", "the call list is empty, but at least one call is expected"}};
  }

  std::vector<SchemaIssue> issues;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& call = calls[i];
    const std::string path = "calls[" + std::to_string(i) + "]";

    const auto tool = by_name.find(call.name);
    if (tool == by_name.end()) {
      issues.push_back({"unknown_function", path + ".name",
                        "function '" + call.name + "' is not defined (defined: " + join_names(by_name) + ")"});
      continue;
    }

    // A function without `properties` takes no arguments, so its argument
    // object is closed even then.
    const auto parameters = tool->second->find("parameters");
    json schema = parameters != tool->second->end() && parameters->is_object() ? *parameters : json::object();
    if (!schema.contains("properties")) schema["properties"] = json::object();
    schema["type"] = "object";

    const auto check = validate_json(call.arguments, schema, SchemaDialect::function_call(), path + ".arguments");
    for (const auto& violation : check.violations) {
      issues.push_back({issue_kind(violation.keyword), violation.path, violation.message});
    }
    if (not_checked != nullptr) not_checked->insert(not_checked->end(), check.unchecked.begin(), check.unchecked.end());
  }
  return issues;
}

bool output_validates(const std::string& text, const json& tools) {
  const StrictParse parsed = parse_strict(text);
  return parsed.shape_ok && validate_calls(parsed.calls, tools).empty();
}

}  // namespace trm::tasks::function_call
