#pragma once
// Batched refinement: runs supervision steps of a trained model over encoded
// examples until each one stops, and returns the predicted tokens in input
// order.

#include "trm/model/trm.h"
#include "trm/tasks/task.h"

#include <string>
#include <vector>

namespace trm::infer {

/// Settings of a refinement run.
struct RefineOptions {
  /// Supervision-step budget per example (0 = the model's N_sup).
  int max_steps = 0;
  /// Stop an example at the first step whose halting logit is > 0.
  bool use_halting = true;
  /// Examples per batch.
  int batch_size = 64;

  /// Throws std::invalid_argument naming the option, the rule and the value.
  void validate() const;
};

/// The refinement of one example.
struct RefineResult {
  /// Predicted token per position after the last step ([L]).
  std::vector<int32_t> tokens;
  /// Supervision steps run.
  int steps = 0;
  /// `halted` (halting head) or `max_steps` (budget reached).
  std::string stop_reason;
  /// sigmoid(q_halt) at the last step.
  double halt_probability = 0.0;
};

/// Totals of a refinement run.
struct RefineStats {
  int64_t examples = 0;
  int64_t steps = 0;
  double wall_ms = 0.0;
  double examples_per_second() const { return wall_ms > 0 ? examples * 1000.0 / wall_ms : 0.0; }
};

/// Runs a trained model over examples.
class Refiner {
 public:
  Refiner(model::TinyRecursiveModel model, torch::Device device);

  /// Refines every example; results are in the order of `examples`. An
  /// example leaves its batch as soon as it stops, so the others run on a
  /// smaller batch.
  std::vector<RefineResult> run(const std::vector<tasks::Example>& examples, const RefineOptions& options,
                                RefineStats* stats = nullptr);

 private:
  model::TinyRecursiveModel model_;
  torch::Device device_;
};

}  // namespace trm::infer
