#pragma once
// Reading one YAML mapping into one config struct: every key is looked up by
// name, values are converted with errors that name the dotted key path, and
// keys nobody read are rejected.

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace trm::core {

/// Builds the message of a config error: `<key>: <rule>, got <value>`.
std::string config_error(const std::string& key, const std::string& rule, const std::string& value);

/// Reads the keys of one YAML mapping. Construct it over the mapping, call
/// `read` once per field, `child` for nested mappings, then `finish`, which
/// throws std::invalid_argument for every key that was not read.
class YamlFields {
 public:
  /// `node` may be null (absent section): then every read keeps the default.
  /// `path` is the dotted location of the mapping, e.g. `train.optimizer`.
  YamlFields(YAML::Node node, std::string path);

  /// Overwrites `field` with the value at `key` when the key is present.
  template <typename T>
  void read(const std::string& key, T& field) {
    seen_.insert(key);
    const YAML::Node& node = node_;  // const access never inserts keys
    if (!node || !node[key]) return;
    const YAML::Node value = node[key];
    try {
      field = value.as<T>();
    } catch (const YAML::Exception&) {
      throw std::invalid_argument(
          config_error(key_path(key), "must be " + type_name<T>(), describe(value)));
    }
  }

  /// The nested mapping at `key` (possibly absent).
  YamlFields child(const std::string& key);

  /// True when `key` is present.
  bool has(const std::string& key) const;

  /// Dotted path of `key` inside this mapping.
  std::string key_path(const std::string& key) const;

  /// Throws std::invalid_argument naming the first key that no read() or child() consumed.
  void finish() const;

 private:
  template <typename T>
  static std::string type_name();
  static std::string describe(const YAML::Node& value);

  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
};

template <typename T>
std::string YamlFields::type_name() {
  if constexpr (std::is_same_v<T, bool>) return "a boolean (true/false)";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_floating_point_v<T>) return "a number";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
  else if constexpr (std::is_same_v<T, std::map<std::string, double>>) return "a mapping of names to numbers";
  else return "a value of the right type";
}

}  // namespace trm::core
