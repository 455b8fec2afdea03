#include "trm/train/loss.h"

namespace trm::train {

torch::Tensor stablemax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  auto x = logits.to(torch::kFloat64);                                         // [B, L, V]
  auto s = torch::where(x < 0, 1.0 / (1.0 - x + 1e-30), x + 1.0);
  auto log_probs = torch::log(s) - torch::log(s.sum(-1, /*keepdim=*/true));    // [B, L, V]
  auto valid = labels != -100;
  auto safe_labels = torch::where(valid, labels, torch::zeros_like(labels)).to(torch::kLong);
  auto picked = log_probs.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1);   // [B, L]
  return torch::where(valid, -picked, torch::zeros_like(picked));
}

LossTerms act_loss(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& q_halt,
                   int64_t batch_size) {
  LossTerms terms;
  auto valid = labels != -100;                                   // [B, L]
  auto valid_count = valid.sum(-1);                              // [B]
  terms.has_labels = valid_count > 0;

  // 1. accuracy counts (no gradient): they also give the halting target
  {
    torch::NoGradGuard no_grad;
    auto correct = valid & (logits.argmax(-1) == labels);        // [B, L]
    auto correct_count = correct.sum(-1);
    terms.seq_correct = correct_count == valid_count;
    terms.token_accuracy = correct_count.to(torch::kFloat32) / valid_count.clamp_min(1).to(torch::kFloat32);
  }

  // 2. answer loss: per-sequence mean over supervised tokens, summed over sequences
  auto token_loss = stablemax_cross_entropy(logits, labels);    // [B, L] float64
  terms.lm_loss = (token_loss.sum(-1) / valid_count.clamp_min(1).to(torch::kFloat64)).sum();

  // 3. halting loss toward "the whole sequence is right"
  terms.q_halt_loss = torch::binary_cross_entropy_with_logits(
      q_halt, terms.seq_correct.to(q_halt.scalar_type()), /*weight=*/{}, /*pos_weight=*/{}, at::Reduction::Sum);

  terms.total = (terms.lm_loss + 0.5 * terms.q_halt_loss.to(torch::kFloat64)) / static_cast<double>(batch_size);
  return terms;
}

}  // namespace trm::train
