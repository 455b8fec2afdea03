#pragma once
// Optimizers of the TRM recipe, written out so that their state is plain
// tensors that checkpoints can hold: AdamATan2 (the reference optimizer),
// AdamW, sign-SGD for the puzzle-embedding table, the learning-rate schedule
// and the exponential moving average of weights.

#include "trm/core/config.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace trm::train {

/// Learning rate at 1-based `step`: linear warm-up to `lr` over
/// `lr_warmup_steps`, then constant, or cosine from `lr` to `lr * lr_min_ratio`
/// at `max_steps`.
double learning_rate(const core::TrainConfig& config, int64_t step);

/// A first-order optimizer over a fixed list of named parameters.
class Optimizer {
 public:
  Optimizer(std::vector<torch::Tensor> params, std::vector<std::string> names);
  virtual ~Optimizer() = default;

  /// Applies one update with learning rate `lr` from the current gradients.
  /// Parameters without a gradient are skipped.
  virtual void step(double lr) = 0;
  /// Clears the gradients.
  void zero_grad();

  /// State tensors by name (`m.<param>`, `v.<param>`), for checkpoints.
  std::map<std::string, torch::Tensor> state() const;
  /// Restores state() output. Throws std::runtime_error on a missing or misshapen tensor.
  void load_state(const std::map<std::string, torch::Tensor>& state);

  /// Updates applied so far.
  int64_t step_count() const { return step_count_; }
  void set_step_count(int64_t count) { step_count_ = count; }

 protected:
  /// Applies the decoupled weight decay, then updates both moments of
  /// parameter `index`. Returns false (and changes nothing) when it has no gradient.
  bool decay_and_update_moments(std::size_t index, double lr, double weight_decay, double beta1, double beta2);

  std::vector<torch::Tensor> params_;
  std::vector<std::string> names_;
  std::vector<torch::Tensor> exp_avg_;     // m
  std::vector<torch::Tensor> exp_avg_sq_;  // v
  int64_t step_count_ = 0;
};

/// AdamATan2 as the `adam-atan2` package computes it (a = b = 1, no epsilon):
///   p <- p (1 - lr wd);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
///   p <- p - lr / (1 - b1^t) * atan2(m, sqrt(v) / sqrt(1 - b2^t))
class AdamAtan2 : public Optimizer {
 public:
  AdamAtan2(std::vector<torch::Tensor> params, std::vector<std::string> names, double beta1, double beta2,
            double weight_decay);
  void step(double lr) override;

 private:
  double beta1_, beta2_, weight_decay_;
};

/// AdamW with decoupled weight decay applied before the moment update.
class AdamW : public Optimizer {
 public:
  AdamW(std::vector<torch::Tensor> params, std::vector<std::string> names, double beta1, double beta2,
        double weight_decay, double eps);
  void step(double lr) override;

 private:
  double beta1_, beta2_, weight_decay_, eps_;
};

/// Builds the optimizer named by `config.optimizer`.
std::unique_ptr<Optimizer> make_optimizer(const core::TrainConfig& config, std::vector<torch::Tensor> params,
                                          std::vector<std::string> names);

/// Sign-SGD with decoupled decay for an embedding table, updating only the
/// rows whose ids appeared in the batch: p <- p (1 - lr wd) - lr sign(g).
void sign_sgd_rows(torch::Tensor& table, const torch::Tensor& ids, double lr, double weight_decay);

/// Exponential moving average of a parameter list: shadow <- rate shadow + (1 - rate) p.
class Ema {
 public:
  Ema(const std::vector<torch::Tensor>& params, double rate);
  void update(const std::vector<torch::Tensor>& params);
  /// Copies the averages into `params`.
  void copy_to(std::vector<torch::Tensor> params) const;
  const std::vector<torch::Tensor>& shadow() const { return shadow_; }
  std::vector<torch::Tensor>& shadow() { return shadow_; }

 private:
  std::vector<torch::Tensor> shadow_;
  double rate_;
};

}  // namespace trm::train
