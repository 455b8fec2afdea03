#include "trm/train/optimizer.h"

#include <cmath>
#include <stdexcept>

namespace trm::train {

double learning_rate(const core::TrainConfig& config, int64_t step) {
  if (step < config.lr_warmup_steps) {
    return config.lr * static_cast<double>(step) / static_cast<double>(config.lr_warmup_steps);
  }
  if (config.lr_schedule == "constant") return config.lr;
  const double span = std::max<int64_t>(1, config.max_steps - config.lr_warmup_steps);
  const double progress = std::min(1.0, static_cast<double>(step - config.lr_warmup_steps) / span);
  const double cosine = 0.5 * (1.0 + std::cos(M_PI * progress));
  return config.lr * (config.lr_min_ratio + (1.0 - config.lr_min_ratio) * cosine);
}

Optimizer::Optimizer(std::vector<torch::Tensor> params, std::vector<std::string> names)
    : params_(std::move(params)), names_(std::move(names)) {
  TORCH_CHECK(params_.size() == names_.size(), "one name per parameter expected");
  for (const auto& p : params_) {
    exp_avg_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    exp_avg_sq_.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
  }
}

void Optimizer::zero_grad() {
  for (auto& p : params_) {
    if (p.mutable_grad().defined()) p.mutable_grad().zero_();
  }
}

std::map<std::string, torch::Tensor> Optimizer::state() const {
  std::map<std::string, torch::Tensor> state;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    state["m." + names_[i]] = exp_avg_[i];
    state["v." + names_[i]] = exp_avg_sq_[i];
  }
  return state;
}

void Optimizer::load_state(const std::map<std::string, torch::Tensor>& state) {
  torch::NoGradGuard no_grad;
  auto restore = [&](const std::string& key, torch::Tensor& target) {
    auto found = state.find(key);
    if (found == state.end()) throw std::runtime_error("optimizer state '" + key + "' missing from checkpoint");
    if (found->second.sizes() != target.sizes()) {
      throw std::runtime_error("optimizer state '" + key + "' has the wrong shape in the checkpoint");
    }
    target.copy_(found->second);
  };
  for (std::size_t i = 0; i < params_.size(); ++i) {
    restore("m." + names_[i], exp_avg_[i]);
    restore("v." + names_[i], exp_avg_sq_[i]);
  }
}

bool Optimizer::decay_and_update_moments(std::size_t index, double lr, double weight_decay, double beta1,
                                         double beta2) {
  auto& p = params_[index];
  const auto& grad = p.grad();
  if (!grad.defined()) return false;
  p.mul_(1.0 - lr * weight_decay);
  exp_avg_[index].lerp_(grad, 1.0 - beta1);
  exp_avg_sq_[index].mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
  return true;
}

AdamAtan2::AdamAtan2(std::vector<torch::Tensor> params, std::vector<std::string> names, double beta1,
                     double beta2, double weight_decay)
    : Optimizer(std::move(params), std::move(names)), beta1_(beta1), beta2_(beta2), weight_decay_(weight_decay) {}

void AdamAtan2::step(double lr) {
  torch::NoGradGuard no_grad;
  ++step_count_;
  const double t = static_cast<double>(step_count_);
  const double bias_correction1 = 1.0 - std::pow(beta1_, t);
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2_, t));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!decay_and_update_moments(i, lr, weight_decay_, beta1_, beta2_)) continue;
    // The first bias correction stays outside atan2, the second inside it.
    auto denominator = exp_avg_sq_[i].sqrt() / bias_correction2_sqrt;
    params_[i].add_(torch::atan2(exp_avg_[i], denominator), -lr / bias_correction1);
  }
}

AdamW::AdamW(std::vector<torch::Tensor> params, std::vector<std::string> names, double beta1, double beta2,
             double weight_decay, double eps)
    : Optimizer(std::move(params), std::move(names)),
      beta1_(beta1),
      beta2_(beta2),
      weight_decay_(weight_decay),
      eps_(eps) {}

void AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++step_count_;
  const double t = static_cast<double>(step_count_);
  const double bias_correction1 = 1.0 - std::pow(beta1_, t);
  const double bias_correction2_sqrt = std::sqrt(1.0 - std::pow(beta2_, t));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!decay_and_update_moments(i, lr, weight_decay_, beta1_, beta2_)) continue;
    auto denominator = (exp_avg_sq_[i].sqrt() / bias_correction2_sqrt).add_(eps_);
    params_[i].addcdiv_(exp_avg_[i], denominator, -lr / bias_correction1);
  }
}

std::unique_ptr<Optimizer> make_optimizer(const core::TrainConfig& config, std::vector<torch::Tensor> params,
                                          std::vector<std::string> names) {
  if (config.optimizer == "adamw") {
    return std::make_unique<AdamW>(std::move(params), std::move(names), config.beta1, config.beta2,
                                   config.weight_decay, config.adamw_eps);
  }
  return std::make_unique<AdamAtan2>(std::move(params), std::move(names), config.beta1, config.beta2,
                                     config.weight_decay);
}

void sign_sgd_rows(torch::Tensor& table, const torch::Tensor& ids, double lr, double weight_decay) {
  torch::NoGradGuard no_grad;
  const auto& grad = table.grad();
  if (!grad.defined()) return;
  // The dense gradient already sums duplicate ids, and only rows present in the batch change.
  auto rows = std::get<0>(torch::_unique(ids.to(torch::kLong).to(table.device())));
  auto updated = table.index_select(0, rows) * (1.0 - lr * weight_decay) - lr * grad.index_select(0, rows).sign();
  table.index_copy_(0, rows, updated);
}

Ema::Ema(const std::vector<torch::Tensor>& params, double rate) : rate_(rate) {
  for (const auto& p : params) shadow_.push_back(p.detach().clone());
}

void Ema::update(const std::vector<torch::Tensor>& params) {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params.size(); ++i) shadow_[i].lerp_(params[i].detach(), 1.0 - rate_);
}

void Ema::copy_to(std::vector<torch::Tensor> params) const {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(shadow_[i]);
}

}  // namespace trm::train
