#pragma once
// Batched refinement: runs supervision steps of a trained model over encoded
// examples until each one stops, and returns the predicted tokens in input
// order.

#include "trm/model/trm.h"
#include "trm/tasks/task.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace trm::infer {

/// Settings of a refinement run. An example stops at the first step where a
/// rule fires; `stop_reason` names it: `valid`, `halted`, `fixed_point`,
/// `oscillation`, or `max_steps` when the budget runs out.
struct RefineOptions {
  /// Supervision-step budget per example (0 = the model's N_sup).
  int max_steps = 0;
  /// `halted`: stop at the first step whose halting logit is > 0.
  bool use_halting = true;
  /// `valid`: stop when the decoded output validates (needs a validity hook).
  bool stop_on_valid = false;
  /// With stop_on_valid: also require the halting logit to be > 0.
  bool valid_requires_halt = false;
  /// `fixed_point`: stop when the decoded output equals the previous step's;
  /// `oscillation`: stop when it equals an earlier step's.
  bool stop_on_repeat = true;
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
  /// The rule that stopped it (see RefineOptions).
  std::string stop_reason;
  /// sigmoid(q_halt) at the last step.
  double halt_probability = 0.0;
  /// Validity of the final output; nullopt without a validity hook.
  std::optional<bool> valid;
};

/// One step of one example, as reported to RefineHooks::on_step.
struct StepTrace {
  /// Index of the example in the input list.
  std::size_t index = 0;
  /// 1-based supervision step.
  int step = 0;
  /// Predicted token per position after this step ([L]).
  const std::vector<int32_t>* tokens = nullptr;
  double halt_probability = 0.0;
  /// Validity of this step's output; nullopt without a validity hook.
  std::optional<bool> valid;
};

/// Inputs of the stop rules for one example after one step.
struct StepSignals {
  /// 1-based step and the step budget.
  int step = 1;
  int budget = 1;
  /// The halting logit is > 0.
  bool halt = false;
  /// Validity of this step's output; nullopt without a validity hook.
  std::optional<bool> valid;
  /// Hash of this step's output, and of the earlier steps' outputs, oldest first.
  std::size_t output_hash = 0;
  std::vector<std::size_t> earlier_hashes;
};

/// Returns the rule that stops the example now (`valid`, `halted`,
/// `fixed_point`, `oscillation`, `max_steps`, checked in that order), or an
/// empty string when it goes on.
std::string stop_reason(const RefineOptions& options, const StepSignals& signals);

/// Task-specific callbacks of a refinement run (all optional).
struct RefineHooks {
  /// Whether the decoded tokens of example `index` are a valid output.
  std::function<bool(std::size_t index, const std::vector<int32_t>& tokens)> is_valid;
  /// Called after every step for every example still running.
  std::function<void(const StepTrace& step)> on_step;
  /// Called once per example when it stops, with its last logits ([L, V]).
  std::function<void(std::size_t index, const torch::Tensor& logits)> on_finish;
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
                                RefineStats* stats = nullptr, const RefineHooks& hooks = {});

 private:
  model::TinyRecursiveModel model_;
  torch::Device device_;
};

}  // namespace trm::infer
