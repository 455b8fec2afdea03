#pragma once
// Deep-supervision training of a TinyRecursiveModel with the reference's
// slot-based halting carry.
//
// The batch is B slots. Every optimizer step runs one supervision step for
// every slot. A slot that halted takes a fresh training example first, and
// the others continue from their carried (y, z). A slot halts when it reached
// N_sup steps or its halting logit is > 0 (subject to random minimum step
// counts for exploration).

#include "trm/core/config.h"
#include "trm/model/batch.h"
#include "trm/model/checkpoint.h"
#include "trm/model/trm.h"
#include "trm/tasks/task.h"
#include "trm/train/evaluation.h"
#include "trm/train/optimizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace trm::train {

/// Averages of one optimizer step, over the slots that halted in it.
struct StepStats {
  int64_t step = 0;
  double lr = 0.0;
  /// Loss terms divided by the batch size.
  double lm_loss = 0.0;
  double q_halt_loss = 0.0;
  /// Slots that halted at this step.
  int64_t halted = 0;
  /// Exactly right halted sequences / halted.
  double exact_accuracy = 0.0;
  double token_accuracy = 0.0;
  /// Mean supervision steps of the halted slots.
  double mean_steps = 0.0;
  /// Agreement of (q_halt >= 0) with "sequence right", over halted slots.
  double q_halt_accuracy = 0.0;
};

/// Runs one training job.
class Trainer {
 public:
  /// `task` must outlive the trainer.
  Trainer(core::Config config, const tasks::Task& task);

  /// Resumes from `out_dir/last.safetensors` when `resume` is set, trains to
  /// `train.max_steps` with periodic evaluation and checkpoints, and saves
  /// `last.safetensors` (and `best.safetensors` at each new best dev score).
  void run(bool resume);

  /// One optimizer step (one supervision step for every slot).
  StepStats train_step();

  /// Evaluates the dev examples with the evaluation weights (EMA when enabled).
  EvalStats evaluate();

  /// Writes the full training state to `path`.
  void save_checkpoint(const std::string& path, const std::string& kind);
  /// Restores the full training state from `path`.
  void load_checkpoint(const std::string& path);

  int64_t step() const { return step_; }
  model::TinyRecursiveModel& model() { return model_; }

 private:
  // ---- setup ----
  void build_model();
  void reset_carry();

  // ---- step helpers ----
  void refill_halted_slots();
  std::size_t next_train_index();
  void update_halting(const torch::Tensor& q_halt);

  // ---- evaluation ----
  model::TinyRecursiveModel evaluation_model();

  // ---- reporting ----
  std::string progress_line(const StepStats& stats, double examples_per_second) const;
  void write_metrics(const nlohmann::json& record);

  core::Config config_;
  const tasks::Task& task_;
  torch::Device device_;

  model::TinyRecursiveModel model_{nullptr};
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<Ema> ema_;

  // Carry of the B slots (CPU copies of the data, device state).
  torch::Tensor inputs_;      // [B, L] int64
  torch::Tensor labels_;      // [B, L] int64
  torch::Tensor puzzle_ids_;  // [B] int64
  model::RecursionState state_;
  torch::Tensor steps_;   // [B] int32 (CPU)
  torch::Tensor halted_;  // [B] bool (CPU)

  // Sampling: a fresh permutation of the training records per epoch.
  std::mt19937_64 rng_;
  std::vector<int64_t> order_;
  std::size_t cursor_ = 0;

  int64_t step_ = 0;
  double best_exact_ = -1.0;
  int evals_without_improvement_ = 0;
  std::ofstream metrics_;
  std::chrono::steady_clock::time_point start_time_;
  int64_t start_step_ = 0;
};

}  // namespace trm::train
