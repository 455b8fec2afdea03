#include "trm/core/yaml_fields.h"

namespace trm::core {

std::string config_error(const std::string& key, const std::string& rule, const std::string& value) {
  return key + ": " + rule + ", got " + value;
}

YamlFields::YamlFields(YAML::Node node, std::string path) : node_(node), path_(std::move(path)) {
  if (node_ && !node_.IsNull() && !node_.IsMap()) {
    throw std::invalid_argument(config_error(path_.empty() ? "<root>" : path_, "must be a mapping", describe(node_)));
  }
  if (node_ && node_.IsNull()) node_ = YAML::Node();
}

YamlFields YamlFields::child(const std::string& key) {
  seen_.insert(key);
  const YAML::Node& node = node_;
  if (!node || !node[key]) return YamlFields(YAML::Node(), key_path(key));
  return YamlFields(node[key], key_path(key));
}

bool YamlFields::has(const std::string& key) const {
  const YAML::Node& node = node_;
  return node && node[key];
}

std::string YamlFields::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void YamlFields::finish() const {
  if (!node_) return;
  for (const auto& entry : node_) {
    const auto key = entry.first.as<std::string>();
    if (!seen_.count(key)) {
      throw std::invalid_argument(config_error(key_path(key), "unknown key (check its spelling and section)", describe(entry.second)));
    }
  }
}

std::string YamlFields::describe(const YAML::Node& value) {
  if (!value || value.IsNull()) return "null";
  if (value.IsScalar()) return "'" + value.Scalar() + "'";
  std::ostringstream out;
  out << (value.IsMap() ? "a mapping " : "a list ") << YAML::Dump(value);
  std::string text = out.str();
  for (char& c : text) if (c == '\n') c = ' ';
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

}  // namespace trm::core
