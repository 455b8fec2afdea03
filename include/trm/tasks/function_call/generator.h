#pragma once
// The embedded default data: a small function-calling set the project makes
// itself (its own tool schemas and templated queries), so the main job runs
// without any external file.

#include "trm/tasks/function_call/record.h"

#include <cstdint>
#include <vector>

namespace trm::tasks::function_call {

/// Options of the default-data generator.
struct GeneratorOptions {
  /// Seed of the generator; the same seed gives the same records.
  std::uint64_t seed = 1;
  /// Number of training records.
  int train_records = 2000;
  /// Number of dev records (drawn from the same templates, different values).
  int dev_records = 200;
};

/// Generates records with `id`, `category`, `split`, `query`, `tools`
/// (2 to 4 functions per record, JSON Schema with BFCL's `dict` dialect),
/// `gold` and `acceptable` (BFCL possible-answer structure, so the BFCL check
/// applies). Categories: `synthetic_simple` (one call), `synthetic_multiple`
/// (one call among several tools), `synthetic_parallel` (two calls).
/// No `base_output`: faults are simulated from gold.
std::vector<Record> generate_default_records(const GeneratorOptions& options);

}  // namespace trm::tasks::function_call
