#include "trm/infer/refiner.h"

#include "trm/model/batch.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace trm::infer {

void RefineOptions::validate() const {
  if (max_steps < 0) throw std::invalid_argument("max_steps: must be >= 0 (0 = the model's N_sup), got " + std::to_string(max_steps));
  if (batch_size < 1) throw std::invalid_argument("batch_size: must be >= 1, got " + std::to_string(batch_size));
}

std::string stop_reason(const RefineOptions& options, const StepSignals& signals) {
  const auto& earlier = signals.earlier_hashes;
  if (options.stop_on_valid && signals.valid.value_or(false) && (!options.valid_requires_halt || signals.halt)) {
    return "valid";
  }
  if (options.use_halting && signals.halt) return "halted";
  if (options.stop_on_repeat && !earlier.empty() && earlier.back() == signals.output_hash) return "fixed_point";
  if (options.stop_on_repeat && std::find(earlier.begin(), earlier.end(), signals.output_hash) != earlier.end()) {
    return "oscillation";
  }
  if (signals.step >= signals.budget) return "max_steps";
  return "";
}

Refiner::Refiner(model::TinyRecursiveModel model, torch::Device device) : model_(std::move(model)), device_(device) {
  model_->to(device_);
  model_->eval();
}

std::vector<RefineResult> Refiner::run(const std::vector<tasks::Example>& examples, const RefineOptions& options,
                                       RefineStats* stats, const RefineHooks& hooks) {
  options.validate();
  if (options.stop_on_valid && !hooks.is_valid) {
    throw std::invalid_argument("stop_on_valid: needs a validity check, which this task does not provide");
  }
  const int budget = options.max_steps > 0 ? options.max_steps : model_->options.config().halt_max_steps;
  std::vector<RefineResult> results(examples.size());
  // Hashes of each example's earlier outputs, for the fixed-point and oscillation rules.
  std::vector<std::vector<std::size_t>> history(examples.size());
  const auto start = std::chrono::steady_clock::now();
  int64_t total_steps = 0;
  torch::InferenceMode inference_mode;

  for (std::size_t begin = 0; begin < examples.size(); begin += options.batch_size) {
    const std::size_t end = std::min(examples.size(), begin + static_cast<std::size_t>(options.batch_size));
    auto tensors = model::stack_examples(examples, begin, end);

    // Indices into `results` of the rows still running. The list shrinks as rows stop.
    std::vector<std::size_t> active;
    for (std::size_t i = begin; i < end; ++i) active.push_back(i);
    auto x = model_->input_embedding(tensors.inputs.to(device_), tensors.puzzle_ids.to(device_));  // [B, S, D]
    auto state = model_->initial_state(x);

    for (int step = 1; step <= budget && !active.empty(); ++step) {
      auto out = model_->supervision_step(x, state);
      total_steps += static_cast<int64_t>(active.size());
      auto tokens = model::argmax_rows(out.logits);                              // B x [L]
      auto q_halt = out.q_halt.to(torch::kCPU).to(torch::kFloat32).contiguous();  // [B]
      const float* q = q_halt.data_ptr<float>();

      // 1. decide per row which rule, if any, stops it now
      std::vector<int64_t> keep_rows;
      for (std::size_t row = 0; row < active.size(); ++row) {
        const std::size_t index = active[row];
        const bool halt = q[row] > 0.0f;
        std::optional<bool> valid;
        if (hooks.is_valid) valid = hooks.is_valid(index, tokens[row]);
        const double halt_probability = 1.0 / (1.0 + std::exp(-static_cast<double>(q[row])));
        if (hooks.on_step) hooks.on_step(StepTrace{index, step, &tokens[row], halt_probability, valid});

        StepSignals signals;
        signals.step = step;
        signals.budget = budget;
        signals.halt = halt;
        signals.valid = valid;
        signals.output_hash = std::hash<std::string>{}(
            std::string(reinterpret_cast<const char*>(tokens[row].data()), tokens[row].size() * sizeof(int32_t)));
        signals.earlier_hashes = std::move(history[index]);
        const std::string reason = stop_reason(options, signals);
        history[index] = std::move(signals.earlier_hashes);
        history[index].push_back(signals.output_hash);

        if (reason.empty()) {
          keep_rows.push_back(static_cast<int64_t>(row));
          continue;
        }
        if (hooks.on_finish) hooks.on_finish(index, out.logits[static_cast<int64_t>(row)]);
        auto& result = results[index];
        result.tokens = std::move(tokens[row]);
        result.steps = step;
        result.halt_probability = halt_probability;
        result.valid = valid;
        result.stop_reason = reason;
      }

      // 2. the remaining rows continue on a smaller batch
      if (keep_rows.empty()) break;
      if (keep_rows.size() < active.size()) {
        auto keep_device = torch::tensor(keep_rows, torch::kLong).to(device_);
        x = x.index_select(0, keep_device);
        state = {out.state.y.index_select(0, keep_device), out.state.z.index_select(0, keep_device)};
        std::vector<std::size_t> still_active;
        for (int64_t row : keep_rows) still_active.push_back(active[static_cast<std::size_t>(row)]);
        active = std::move(still_active);
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
