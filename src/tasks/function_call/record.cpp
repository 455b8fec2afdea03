#include "trm/tasks/function_call/record.h"

#include <stdexcept>

namespace trm::tasks::function_call {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& field, const std::string& rule) {
  throw std::invalid_argument(where + ": field '" + field + "': " + rule);
}

std::string got(const json& value) { return std::string(", got ") + value.type_name(); }

// A present JSON null counts as absent for optional fields, because Python
// writers emit None for fields they have no value for.
const json* find_optional(const json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& find_required(const json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end()) fail(where, key, "missing (required)");
  return *it;
}

std::string read_id(const json& object, const std::string& where) {
  const json& id = find_required(object, "id", where);
  if (id.is_number()) return id.dump();
  if (!id.is_string()) fail(where, "id", "must be a string or a number" + got(id));
  if (id.get_ref<const std::string&>().empty()) fail(where, "id", "must not be empty");
  return id.get<std::string>();
}

std::string read_required_string(const json& object, const std::string& key, const std::string& where) {
  const json& value = find_required(object, key, where);
  if (!value.is_string()) fail(where, key, "must be a string" + got(value));
  return value.get<std::string>();
}

std::optional<std::string> read_optional_string(const json& object, const std::string& key,
                                                const std::string& where) {
  const json* value = find_optional(object, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) fail(where, key, "must be a string" + got(*value));
  return value->get<std::string>();
}

json read_tools(const json& object, const std::string& where) {
  const json& tools = find_required(object, "tools", where);
  if (!tools.is_array()) fail(where, "tools", "must be an array" + got(tools));

  for (std::size_t i = 0; i < tools.size(); ++i) {
    const std::string field = "tools[" + std::to_string(i) + "]";
    const json& tool = tools[i];
    if (!tool.is_object()) fail(where, field, "must be an object" + got(tool));

    const auto name = tool.find("name");
    if (name == tool.end()) fail(where, field + ".name", "missing (required)");
    if (!name->is_string()) fail(where, field + ".name", "must be a string" + got(*name));
  }
  return tools;
}

std::optional<CallList> read_gold(const json& object, const std::string& where) {
  const json* gold = find_optional(object, "gold");
  if (gold == nullptr) return std::nullopt;
  if (!gold->is_array()) fail(where, "gold", "must be an array of calls" + got(*gold));

  try {
    return calls_from_json(*gold, "gold");
  } catch (const std::invalid_argument& error) {
    // calls_from_json names the element and field (`gold[1]: field ...`).
    throw std::invalid_argument(where + ": " + error.what());
  }
}

std::optional<json> read_acceptable(const json& object, const std::string& where) {
  const json* acceptable = find_optional(object, "acceptable");
  if (acceptable == nullptr) return std::nullopt;
  if (!acceptable->is_array()) fail(where, "acceptable", "must be an array" + got(*acceptable));

  for (std::size_t i = 0; i < acceptable->size(); ++i) {
    const json& answer = (*acceptable)[i];
    if (!answer.is_object()) {
      fail(where, "acceptable[" + std::to_string(i) + "]",
           "must be an object {function_name: {param: [values]}}" + got(answer));
    }
  }
  return *acceptable;
}

std::vector<std::string> read_faults(const json& object, const std::string& where) {
  const json* faults = find_optional(object, "faults");
  if (faults == nullptr) return {};
  if (!faults->is_array()) fail(where, "faults", "must be an array of strings" + got(*faults));

  std::vector<std::string> names;
  for (std::size_t i = 0; i < faults->size(); ++i) {
    const json& name = (*faults)[i];
    if (!name.is_string()) {
      fail(where, "faults[" + std::to_string(i) + "]", "must be a string" + got(name));
    }
    names.push_back(name.get<std::string>());
  }
  return names;
}

}  // namespace

Record parse_record(const json& value, const std::string& where) {
  if (!value.is_object()) {
    throw std::invalid_argument(where + ": record must be a JSON object, got " + value.type_name());
  }

  Record record;
  record.id = read_id(value, where);
  record.query = read_required_string(value, "query", where);
  record.tools = read_tools(value, where);

  record.category = read_optional_string(value, "category", where).value_or("");
  record.split = read_optional_string(value, "split", where).value_or("");
  record.system = read_optional_string(value, "system", where).value_or("");
  record.base_output = read_optional_string(value, "base_output", where);

  record.gold = read_gold(value, where);
  record.acceptable = read_acceptable(value, where);
  record.faults = read_faults(value, where);
  record.raw = value;
  return record;
}

json record_to_json(const Record& record) {
  json value = record.raw.is_object() ? record.raw : json::object();

  value["id"] = record.id;
  value["query"] = record.query;
  value["tools"] = record.tools;

  // Optional strings are written when set or when the input line had them,
  // so a record read and written back keeps its keys.
  const auto write_optional_string = [&value](const char* key, const std::string& text) {
    if (!text.empty() || value.contains(key)) value[key] = text;
  };
  write_optional_string("category", record.category);
  write_optional_string("split", record.split);
  write_optional_string("system", record.system);

  // An optional field that was cleared on the Record is removed, so the
  // output never carries a stale value from `raw`.
  if (record.base_output) {
    value["base_output"] = *record.base_output;
  } else {
    value.erase("base_output");
  }
  if (record.gold) {
    value["gold"] = calls_to_json(*record.gold);
  } else {
    value.erase("gold");
  }
  if (record.acceptable) {
    value["acceptable"] = *record.acceptable;
  } else {
    value.erase("acceptable");
  }
  if (!record.faults.empty() || value.contains("faults")) value["faults"] = record.faults;

  return value;
}

}  // namespace trm::tasks::function_call
