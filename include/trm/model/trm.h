#pragma once
// The Tiny Recursive Model (Jolicoeur-Martineau, "Less is More: Recursive
// Reasoning with Tiny Networks", 2025).
//
// One small network f (ReasoningNet, `num_layers` post-norm blocks) keeps a
// latent z and an answer y, both [B, S, D]. One supervision step runs T
// cycles; each cycle updates z n times with z = f(z + y + x) and then y once
// with y = f(y + z). Only the last cycle carries gradient. The carry leaves
// the step detached, so deep supervision trains each step on its own.
//
// Inputs:  tokens [B, L] (int64), puzzle ids [B] (int64).
// Outputs: logits [B, L, V] read from y after the P prefix positions, halting
//          logits [B] read from y at position 0.
// S = P + L, where P = puzzle_emb_len.

#include "trm/core/config.h"
#include "trm/model/layers.h"

#include <torch/torch.h>

#include <functional>

namespace trm::model {

/// Options of TinyRecursiveModel: the model config plus the task's sizes.
struct TinyRecursiveModelOptions {
  TinyRecursiveModelOptions(core::ModelConfig config, int64_t vocab_size, int64_t seq_len)
      : config_(std::move(config)), vocab_size_(vocab_size), seq_len_(seq_len) {}
  TORCH_ARG(core::ModelConfig, config);
  /// V: token vocabulary size.
  TORCH_ARG(int64_t, vocab_size);
  /// L: task sequence length, without the prefix.
  TORCH_ARG(int64_t, seq_len);
};

/// The recurrent state of a batch: answer y and latent z, [B, S, D] each.
struct RecursionState {
  torch::Tensor y;
  torch::Tensor z;
};

/// Result of one supervision step.
struct StepOutput {
  /// Detached state to carry into the next step.
  RecursionState state;
  /// [B, L, V] in the forward dtype.
  torch::Tensor logits;
  /// [B] float32. The example halts when it is > 0.
  torch::Tensor q_halt;
  /// [B] float32. Computed as the reference does, but TRM's halting does not use it.
  torch::Tensor q_continue;
};

/// Kind of update the network just ran, reported to observers in tests and traces.
enum class UpdateKind { kLatent, kAnswer };

// ==== ReasoningNet ====

/// The shared network f: `num_layers` blocks after an additive input injection.
class ReasoningNetImpl : public torch::nn::Cloneable<ReasoningNetImpl> {
 public:
  explicit ReasoningNetImpl(const TinyRecursiveModelOptions& options);
  void reset() override;
  /// f(hidden + injection), all [B, S, D].
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& injection,
                        const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary);

  TinyRecursiveModelOptions options;
  torch::nn::ModuleList layers{nullptr};
};
TORCH_MODULE(ReasoningNet);

// ==== TinyRecursiveModel ====

class TinyRecursiveModelImpl : public torch::nn::Cloneable<TinyRecursiveModelImpl> {
 public:
  explicit TinyRecursiveModelImpl(const TinyRecursiveModelOptions& options);
  void reset() override;
  /// Re-draws every weight and the fixed initial states.
  void reset_parameters();

  /// Embeds tokens and puzzle ids: [B, S, D] in the forward dtype, scaled by sqrt(D).
  torch::Tensor input_embedding(const torch::Tensor& tokens, const torch::Tensor& puzzle_ids);

  /// The starting state of the examples embedded in `x` ([B, S, D]): z_init at
  /// every position, and y_init (answer_init `fixed`) or x itself (`input`).
  RecursionState initial_state(const torch::Tensor& x);

  /// Resets the rows of `state` where `reset` ([B] bool) is true to the
  /// starting state of the same rows of `x`.
  RecursionState reset_rows(const RecursionState& state, const torch::Tensor& reset, const torch::Tensor& x);

  /// One supervision step from `state` on embedded input `x` ([B, S, D]).
  StepOutput supervision_step(const torch::Tensor& x, const RecursionState& state);

  /// Embeds and runs one supervision step.
  StepOutput forward(const torch::Tensor& tokens, const torch::Tensor& puzzle_ids, const RecursionState& state);

  /// Parameters trained by the main optimizer and averaged by EMA: every
  /// parameter except the puzzle-embedding table.
  std::vector<torch::Tensor> dense_parameters();
  /// Names of dense_parameters(), in the same order.
  std::vector<std::string> dense_parameter_names();
  /// Element count of dense_parameters() (the count the TRM paper reports).
  int64_t num_dense_parameters();

  /// Observer called after each net call with the update kind and the new
  /// y or z ([B, S, D]); null disables it.
  using UpdateObserver = std::function<void(UpdateKind, const torch::Tensor&)>;
  void set_update_observer(UpdateObserver observer) { observer_ = std::move(observer); }

  /// The dtype of the forward pass.
  torch::Dtype forward_dtype() const;

  void pretty_print(std::ostream& stream) const override;
  /// One-line summary (pretty_print without the submodule tree), for logs.
  std::string summary() const;

  TinyRecursiveModelOptions options;
  torch::Tensor embed_tokens;  // [V, D] float32
  torch::Tensor puzzle_emb;    // [num_ids, D] float32, trained by sign-SGD
  CastedLinear lm_head{nullptr};
  CastedLinear q_head{nullptr};
  ReasoningNet net{nullptr};
  torch::Tensor y_init;  // [D] buffer in the forward dtype, never trained
  torch::Tensor z_init;  // [D] buffer in the forward dtype, never trained

 private:
  std::optional<std::pair<torch::Tensor, torch::Tensor>> rotary_tables(const torch::Device& device);

  RotaryEmbedding rotary_{1, 1.0};
  UpdateObserver observer_;
};
TORCH_MODULE(TinyRecursiveModel);

/// Maps `cpu`, `cuda` and `cuda:<index>` to a device. Throws
/// std::runtime_error when CUDA is requested but not available.
torch::Device parse_device(const std::string& name);

}  // namespace trm::model
