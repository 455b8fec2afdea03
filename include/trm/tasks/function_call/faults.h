#pragma once
// The base-output fault model: turns gold calls into realistic broken base
// outputs, labelled with the faults applied. Default rates follow what real
// base models produced on BFCL records (see docs/fault_model.md).

#include "trm/core/yaml_fields.h"
#include "trm/tasks/function_call/record.h"

#include <map>
#include <random>
#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// Fault-model settings (YAML section `faults`).
struct FaultConfig {
  /// Probability that a record is left clean (canonical gold, no fault).
  double clean_rate = 0.15;
  /// Maximum number of faults applied to one record (>= 1).
  int max_faults = 2;
  /// Relative weight of each fault kind when a record is corrupted; kinds
  /// absent from the mapping keep their default weight, 0 disables a kind.
  /// Keys must be names from fault_names().
  std::map<std::string, double> weights = default_fault_weights();

  /// The weight of every fault kind when nothing overrides it.
  static std::map<std::string, double> default_fault_weights();
  /// Reads the mapping and validates it; unknown keys and fault names are
  /// rejected (std::invalid_argument naming `<section>.weights.<name>`).
  static FaultConfig from_yaml(core::YamlFields fields);
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate(const std::string& path = "faults") const;
};

/// Names of all fault kinds, in the fixed order in which they are applied.
const std::vector<std::string>& fault_names();

/// A simulated base output and the faults that produced it.
struct CorruptedOutput {
  std::string text;
  /// Fault names applied, in order; empty for a clean output.
  std::vector<std::string> faults;
};

/// Applies faults to the gold calls of records.
class FaultModel {
 public:
  /// Throws std::invalid_argument when `config` fails validate().
  explicit FaultModel(FaultConfig config);

  /// Corrupts `record.gold` (required: throws std::invalid_argument when
  /// absent) using `record.tools` and `record.query` for schema and value
  /// faults. Deterministic for a given generator state. When no enabled
  /// fault kind applies to the record, returns the clean output unlabelled.
  CorruptedOutput corrupt(const Record& record, std::mt19937_64& rng) const;

  const FaultConfig& config() const { return config_; }

 private:
  FaultConfig config_;
};

}  // namespace trm::tasks::function_call
