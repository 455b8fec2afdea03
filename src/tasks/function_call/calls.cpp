#include "trm/tasks/function_call/calls.h"

#include <stdexcept>

namespace trm::tasks::function_call {

std::string dump_compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

Call call_from_json(const json& element, const std::string& where) {
  if (!element.is_object()) {
    throw std::invalid_argument(where + ": must be an object, got " + element.type_name());
  }

  for (const auto& [key, unused] : element.items()) {
    if (key != "name" && key != "arguments") {
      throw std::invalid_argument(where + ": field '" + key +
                                  "': unknown field (allowed: name, arguments)");
    }
  }

  const auto name = element.find("name");
  if (name == element.end()) throw std::invalid_argument(where + ": field 'name': missing");
  if (!name->is_string()) {
    throw std::invalid_argument(where + ": field 'name': must be a string, got " + name->type_name());
  }
  if (name->get_ref<const std::string&>().empty()) {
    throw std::invalid_argument(where + ": field 'name': must not be empty");
  }

  const auto arguments = element.find("arguments");
  if (arguments == element.end()) {
    throw std::invalid_argument(where + ": field 'arguments': missing");
  }
  if (!arguments->is_object()) {
    throw std::invalid_argument(where + ": field 'arguments': must be an object, got " +
                                arguments->type_name());
  }

  return Call{name->get<std::string>(), *arguments};
}

}  // namespace

std::string render_canonical(const CallList& calls) {
  // Written by hand rather than through calls_to_json(), whose std::map keys
  // would put "arguments" before "name": the model should write the function
  // name first and its arguments after it.
  std::string text = "[";
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (i > 0) text += ',';
    text += "{\"name\":";
    text += dump_compact(json(calls[i].name));
    text += ",\"arguments\":";
    text += dump_compact(calls[i].arguments);
    text += '}';
  }
  text += ']';
  return text;
}

CallList calls_from_json(const json& value, const std::string& label) {
  if (!value.is_array()) {
    throw std::invalid_argument(label + ": must be an array, got " + value.type_name());
  }

  CallList calls;
  calls.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    calls.push_back(call_from_json(value[i], label + "[" + std::to_string(i) + "]"));
  }
  return calls;
}

json calls_to_json(const CallList& calls) {
  json value = json::array();
  for (const Call& call : calls) {
    value.push_back({{"name", call.name}, {"arguments", call.arguments}});
  }
  return value;
}

}  // namespace trm::tasks::function_call
