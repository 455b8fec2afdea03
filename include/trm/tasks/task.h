#pragma once
// The interface through which a task plugs into training, refinement and
// evaluation. A task turns its records into fixed-length token sequences
// (inputs and labels) and back. It does not depend on tensors or the model.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace trm::tasks {

/// Label value of positions that are not supervised.
constexpr int32_t kIgnoreLabel = -100;

/// One model example: `inputs` and `labels` both have the task's seq_len.
struct Example {
  std::vector<int32_t> inputs;
  /// Target token per position, or kIgnoreLabel.
  std::vector<int32_t> labels;
  /// Row of the puzzle-embedding table (0 for tasks with one shared vector).
  int32_t puzzle_id = 0;
};

/// A task behind the trainer, the refiner and evaluation.
class Task {
 public:
  virtual ~Task() = default;

  /// Short name, e.g. `function_call`.
  virtual std::string name() const = 0;
  /// V: number of token ids.
  virtual int vocab_size() const = 0;
  /// L: tokens per example.
  virtual int seq_len() const = 0;

  /// Number of distinct training records.
  virtual std::size_t num_train() const = 0;
  /// A training example for record `index`, drawing any augmentation or
  /// simulated fault from `rng`, so repeated calls give fresh variants.
  virtual Example train_example(std::size_t index, std::mt19937_64& rng) const = 0;
  /// The fixed dev examples used by evaluation during training.
  virtual const std::vector<Example>& dev_examples() const = 0;

  /// Human-readable text of a predicted token sequence, for logs.
  virtual std::string describe_prediction(const std::vector<int32_t>& tokens) const = 0;
};

}  // namespace trm::tasks
