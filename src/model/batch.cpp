#include "trm/model/batch.h"

namespace trm::model {

std::vector<std::vector<int32_t>> argmax_rows(const torch::Tensor& logits) {
  auto predicted = logits.argmax(-1).to(torch::kCPU).to(torch::kInt32).contiguous();  // [B, L]
  std::vector<std::vector<int32_t>> rows(predicted.size(0));
  const int32_t* data = predicted.data_ptr<int32_t>();
  const int64_t length = predicted.size(1);
  for (int64_t row = 0; row < predicted.size(0); ++row) rows[row].assign(data + row * length, data + (row + 1) * length);
  return rows;
}

ExampleTensors stack_examples(const std::vector<tasks::Example>& examples, std::size_t begin, std::size_t end) {
  const auto count = static_cast<int64_t>(end - begin);
  const auto length = static_cast<int64_t>(examples.at(begin).inputs.size());
  ExampleTensors out{torch::empty({count, length}, torch::kLong), torch::empty({count, length}, torch::kLong),
                     torch::empty({count}, torch::kLong)};
  auto inputs = out.inputs.accessor<int64_t, 2>();
  auto labels = out.labels.accessor<int64_t, 2>();
  auto ids = out.puzzle_ids.accessor<int64_t, 1>();
  for (int64_t row = 0; row < count; ++row) {
    const auto& example = examples[begin + row];
    for (int64_t i = 0; i < length; ++i) {
      inputs[row][i] = example.inputs[i];
      labels[row][i] = example.labels[i];
    }
    ids[row] = example.puzzle_id;
  }
  return out;
}

}  // namespace trm::model
