#pragma once
// The deep-supervision loss of TRM: stablemax cross-entropy on the answer
// and binary cross-entropy of the halting logit toward "the whole answer is
// right", plus the accuracy counts the trainer reports.

#include <torch/torch.h>

namespace trm::train {

/// Per-token stablemax cross-entropy in float64. s(v) = 1/(1 - v) for v < 0
/// and v + 1 otherwise; p = s(logit) / sum s. `logits` [B, L, V], `labels`
/// [B, L] with -100 at ignored positions. Returns [B, L], 0 where ignored.
torch::Tensor stablemax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels);

/// Loss terms and counts of one supervision step.
struct LossTerms {
  /// Sum over sequences of the mean token loss of each sequence (scalar, float64).
  torch::Tensor lm_loss;
  /// Sum over sequences of BCE(q_halt, sequence exactly right) (scalar, float32).
  torch::Tensor q_halt_loss;
  /// lm_loss + 0.5 * q_halt_loss, divided by the batch size (scalar).
  torch::Tensor total;
  /// [B] bool: argmax equals the label at every supervised position.
  torch::Tensor seq_correct;
  /// [B] float: correct supervised tokens / supervised tokens.
  torch::Tensor token_accuracy;
  /// [B] bool: the sequence has at least one supervised position.
  torch::Tensor has_labels;
};

/// Computes the loss of one supervision step over all B rows.
/// `q_halt` [B] float32. `batch_size` divides the total (the global batch).
LossTerms act_loss(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& q_halt,
                   int64_t batch_size);

}  // namespace trm::train
