#pragma once
// Accuracy of a model on fixed examples, step by step.
//
// Every example runs all N_sup supervision steps (the reference's test
// protocol). Along the way the step where the halting head would have
// stopped it (first q_halt > 0) is recorded, so one pass gives both curves:
// halting off (the output after step k) and halting on (the output at the
// first halt, or after step k if it has not halted by then).

#include "trm/model/trm.h"
#include "trm/tasks/task.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace trm::train {

/// Dev-set or test-set result.
struct EvalStats {
  int64_t examples = 0;
  /// Exact accuracy after all N_sup steps (the reference's protocol).
  double exact_accuracy = 0.0;
  /// Mean per-example fraction of supervised tokens right after all N_sup steps.
  double token_accuracy = 0.0;
  /// Halting off: exact and token accuracy after step k, k = 1..N_sup (index k - 1).
  std::vector<double> exact_by_step;
  std::vector<double> token_by_step;
  /// Halting on with a budget of k steps: each example stops at its first
  /// q_halt > 0 or at step k, whichever comes first.
  std::vector<double> exact_with_halting_by_step;
  std::vector<double> mean_halting_steps_by_step;
  /// The halting-on values at the full budget N_sup.
  double exact_with_halting = 0.0;
  double mean_halting_steps = 0.0;

  nlohmann::json to_json() const;
};

/// Evaluates `model` (already in eval mode, on `device`) on `examples` in
/// batches of `batch_size`, running `max_steps` supervision steps.
EvalStats evaluate_examples(model::TinyRecursiveModel& model, const std::vector<tasks::Example>& examples,
                            int batch_size, int max_steps, const torch::Device& device);

}  // namespace trm::train
