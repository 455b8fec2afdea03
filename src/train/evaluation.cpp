#include "trm/train/evaluation.h"

#include "trm/model/batch.h"

namespace trm::train {

nlohmann::json EvalStats::to_json() const {
  return {{"examples", examples},
          {"exact_accuracy", exact_accuracy},
          {"token_accuracy", token_accuracy},
          {"exact_by_step", exact_by_step},
          {"token_by_step", token_by_step},
          {"exact_with_halting_by_step", exact_with_halting_by_step},
          {"mean_halting_steps_by_step", mean_halting_steps_by_step},
          {"exact_with_halting", exact_with_halting},
          {"mean_halting_steps", mean_halting_steps}};
}

EvalStats evaluate_examples(model::TinyRecursiveModel& model, const std::vector<tasks::Example>& examples,
                            int batch_size, int max_steps, const torch::Device& device) {
  EvalStats stats;
  const auto steps = static_cast<std::size_t>(max_steps);
  stats.exact_by_step.assign(steps, 0.0);
  stats.token_by_step.assign(steps, 0.0);
  stats.exact_with_halting_by_step.assign(steps, 0.0);
  stats.mean_halting_steps_by_step.assign(steps, 0.0);
  if (examples.empty()) return stats;

  torch::NoGradGuard no_grad;
  const auto batch = static_cast<std::size_t>(batch_size);
  for (std::size_t begin = 0; begin < examples.size(); begin += batch) {
    const std::size_t end = std::min(examples.size(), begin + batch);
    auto tensors = model::stack_examples(examples, begin, end);
    auto inputs = tensors.inputs.to(device);
    auto labels = tensors.labels.to(device);
    auto ids = tensors.puzzle_ids.to(device);
    const int64_t rows = inputs.size(0);

    auto x = model->input_embedding(inputs, ids);  // [B, S, D]
    auto state = model->initial_state(x);
    auto valid = labels != tasks::kIgnoreLabel;                                  // [B, L]
    auto valid_count = valid.sum(-1).clamp_min(1).to(torch::kFloat64);         // [B]
    auto halted = torch::zeros({rows}, torch::kBool).to(device);                // stopped by the head so far
    auto halted_correct = torch::zeros({rows}, torch::kBool).to(device);        // whether its output was right when it stopped
    auto halted_steps = torch::zeros({rows}, torch::kFloat64).to(device);

    for (std::size_t k = 0; k < steps; ++k) {
      auto out = model->supervision_step(x, state);
      state = out.state;
      auto correct = (out.logits.argmax(-1) == labels) & valid;  // [B, L]
      auto seq_correct = correct.sum(-1) == valid.sum(-1);        // [B]
      stats.exact_by_step[k] += seq_correct.sum().item<double>();
      stats.token_by_step[k] += (correct.sum(-1).to(torch::kFloat64) / valid_count).sum().item<double>();

      // Halting on: rows the head stops now keep this output for every larger budget.
      auto stop_now = (~halted) & (out.q_halt > 0);
      halted_correct = torch::where(stop_now, seq_correct, halted_correct);
      halted_steps = torch::where(stop_now, torch::full_like(halted_steps, static_cast<double>(k + 1)), halted_steps);
      halted = halted | stop_now;
      // With budget k + 1, rows not halted yet return this step's output.
      auto output_correct = torch::where(halted, halted_correct, seq_correct);
      auto output_steps = torch::where(halted, halted_steps, torch::full_like(halted_steps, static_cast<double>(k + 1)));
      stats.exact_with_halting_by_step[k] += output_correct.sum().item<double>();
      stats.mean_halting_steps_by_step[k] += output_steps.sum().item<double>();
    }
  }

  const auto n = static_cast<double>(examples.size());
  stats.examples = static_cast<int64_t>(examples.size());
  for (auto* curve : {&stats.exact_by_step, &stats.token_by_step, &stats.exact_with_halting_by_step,
                      &stats.mean_halting_steps_by_step}) {
    for (auto& value : *curve) value /= n;
  }
  stats.exact_accuracy = stats.exact_by_step.back();
  stats.token_accuracy = stats.token_by_step.back();
  stats.exact_with_halting = stats.exact_with_halting_by_step.back();
  stats.mean_halting_steps = stats.mean_halting_steps_by_step.back();
  return stats;
}

}  // namespace trm::train
