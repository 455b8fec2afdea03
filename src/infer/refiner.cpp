#include "trm/infer/refiner.h"

#include "trm/model/batch.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

namespace trm::infer {

void RefineOptions::validate() const {
  if (max_steps < 0) throw std::invalid_argument("max_steps: must be >= 0 (0 = the model's N_sup), got " + std::to_string(max_steps));
  if (batch_size < 1) throw std::invalid_argument("batch_size: must be >= 1, got " + std::to_string(batch_size));
}

Refiner::Refiner(model::TinyRecursiveModel model, torch::Device device) : model_(std::move(model)), device_(device) {
  model_->to(device_);
  model_->eval();
}

std::vector<RefineResult> Refiner::run(const std::vector<tasks::Example>& examples, const RefineOptions& options,
                                       RefineStats* stats) {
  options.validate();
  const int budget = options.max_steps > 0 ? options.max_steps : model_->options.config().halt_max_steps;
  std::vector<RefineResult> results(examples.size());
  const auto start = std::chrono::steady_clock::now();
  int64_t total_steps = 0;
  torch::InferenceMode inference_mode;

  for (std::size_t begin = 0; begin < examples.size(); begin += options.batch_size) {
    const std::size_t end = std::min(examples.size(), begin + static_cast<std::size_t>(options.batch_size));
    auto tensors = model::stack_examples(examples, begin, end);

    // Indices into `results` of the rows still running. The list shrinks as rows stop.
    auto active = torch::arange(static_cast<int64_t>(begin), static_cast<int64_t>(end), torch::kLong);
    auto x = model_->input_embedding(tensors.inputs.to(device_), tensors.puzzle_ids.to(device_));  // [B, S, D]
    auto state = model_->initial_state(x);

    for (int step = 1; step <= budget && active.numel() > 0; ++step) {
      auto out = model_->supervision_step(x, state);
      const bool last = step == budget;
      auto stop = last ? torch::ones({active.numel()}, torch::kBool)
                       : (options.use_halting ? (out.q_halt > 0).to(torch::kCPU) : torch::zeros({active.numel()}, torch::kBool));
      total_steps += active.numel();

      // 1. store results of the rows that stop now
      auto stop_rows = stop.nonzero().view({-1});
      if (stop_rows.numel() > 0) {
        auto tokens = model::argmax_rows(out.logits.index_select(0, stop_rows.to(device_)));
        auto halt_probability = torch::sigmoid(out.q_halt.index_select(0, stop_rows.to(device_))).to(torch::kCPU);
        for (int64_t i = 0; i < stop_rows.numel(); ++i) {
          const int64_t row = stop_rows[i].item<int64_t>();
          auto& result = results[active[row].item<int64_t>()];
          result.tokens = std::move(tokens[i]);
          result.steps = step;
          result.halt_probability = halt_probability[i].item<double>();
          result.stop_reason = (options.use_halting && out.q_halt[row].item<float>() > 0) ? "halted" : "max_steps";
        }
      }

      // 2. the remaining rows continue on a smaller batch
      auto keep_rows = (~stop).nonzero().view({-1});
      if (keep_rows.numel() == 0) break;
      if (keep_rows.numel() < active.numel()) {
        auto keep_device = keep_rows.to(device_);
        x = x.index_select(0, keep_device);
        state = {out.state.y.index_select(0, keep_device), out.state.z.index_select(0, keep_device)};
        active = active.index_select(0, keep_rows);
      } else {
        state = out.state;
      }
    }
    spdlog::debug("[refine] batch {}-{} done", begin, end);
  }

  if (stats) {
    stats->examples = static_cast<int64_t>(examples.size());
    stats->steps = total_steps;
    stats->wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  return results;
}

}  // namespace trm::infer
