#pragma once
// Moving examples between the task's token vectors and batch tensors.

#include "trm/tasks/task.h"

#include <torch/torch.h>

#include <vector>

namespace trm::model {

/// Predicted token ids (argmax over V) of [B, L, V] logits, one vector per row.
std::vector<std::vector<int32_t>> argmax_rows(const torch::Tensor& logits);

/// Rows [begin, end) of `examples` as CPU tensors.
struct ExampleTensors {
  /// [N, L] int64.
  torch::Tensor inputs;
  /// [N, L] int64, -100 where ignored.
  torch::Tensor labels;
  /// [N] int64.
  torch::Tensor puzzle_ids;
};
ExampleTensors stack_examples(const std::vector<tasks::Example>& examples, std::size_t begin, std::size_t end);

}  // namespace trm::model
