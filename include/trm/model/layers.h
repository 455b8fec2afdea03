#pragma once
// Building blocks of the TRM network: linear and embedding layers that keep
// float32 master weights and compute in the forward dtype, the weightless
// RMSNorm, rotary position embedding, self-attention, SwiGLU and the
// post-norm block.
//
// Shapes: B = batch, S = sequence length (prefix included), D = hidden size,
// H = heads, K = head size (D / H).

#include <torch/torch.h>

#include <optional>

namespace trm::model {

/// Samples a truncated normal the way JAX does: N(0, 1) truncated to [-2, 2],
/// rescaled so that the realised standard deviation equals `std`.
torch::Tensor truncated_normal(torch::IntArrayRef shape, double std, torch::Generator* generator = nullptr);

/// Rounds the SwiGLU width `expansion * width * 2 / 3` up to a multiple of 256.
int64_t swiglu_width(int64_t width, double expansion);

/// Weightless RMSNorm over the last axis, computed in float32 and returned in
/// the dtype of `x`.
torch::Tensor rms_norm(const torch::Tensor& x, double eps);

// ==== CastedLinear ====

/// Options of CastedLinear.
struct CastedLinearOptions {
  CastedLinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  TORCH_ARG(int64_t, in_features);
  TORCH_ARG(int64_t, out_features);
  /// Adds a bias vector (only the halting head has one).
  TORCH_ARG(bool, bias) = false;
};

/// y = x W^T (+ b) with W kept in float32 and cast to the dtype of x at call
/// time. W starts as a LeCun truncated normal (std 1/sqrt(in_features)), b as zeros.
class CastedLinearImpl : public torch::nn::Cloneable<CastedLinearImpl> {
 public:
  explicit CastedLinearImpl(const CastedLinearOptions& options);
  void reset() override;
  void reset_parameters();
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  CastedLinearOptions options;
  torch::Tensor weight;  // [out, in]
  torch::Tensor bias;    // [out] or undefined
};
TORCH_MODULE(CastedLinear);

// ==== RotaryEmbedding ====

/// cos and sin tables of the rotate-half (GPT-NeoX) RoPE convention, built
/// once per device and length. Not part of the state dict.
class RotaryEmbedding {
 public:
  RotaryEmbedding(int64_t head_dim, double theta) : head_dim_(head_dim), theta_(theta) {}
  /// Returns {cos, sin}, each [S, K] float32 on `device`.
  std::pair<torch::Tensor, torch::Tensor> tables(int64_t seq_len, const torch::Device& device);

 private:
  int64_t head_dim_;
  double theta_;
  torch::Tensor cos_, sin_;
};

/// Rotates q or k ([B, S, H, K]) by the tables. Computes in float32 and returns the input dtype.
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// ==== SwiGlu ====

/// Options of SwiGlu.
struct SwiGluOptions {
  SwiGluOptions(int64_t width, double expansion) : width_(width), expansion_(expansion) {}
  /// Width of the axis the MLP mixes (D for channels, S for the sequence mixer).
  TORCH_ARG(int64_t, width);
  TORCH_ARG(double, expansion);
};

/// down(SiLU(gate) * up) with one fused [2I, width] gate-up weight, gate first.
class SwiGluImpl : public torch::nn::Cloneable<SwiGluImpl> {
 public:
  explicit SwiGluImpl(const SwiGluOptions& options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  SwiGluOptions options;
  CastedLinear gate_up_proj{nullptr};
  CastedLinear down_proj{nullptr};
};
TORCH_MODULE(SwiGlu);

// ==== Attention ====

/// Options of Attention.
struct AttentionOptions {
  AttentionOptions(int64_t hidden_size, int64_t num_heads) : hidden_size_(hidden_size), num_heads_(num_heads) {}
  TORCH_ARG(int64_t, hidden_size);
  TORCH_ARG(int64_t, num_heads);
};

/// Non-causal multi-head self-attention without mask. The fused qkv weight
/// lays out all query heads, then all key heads, then all value heads.
class AttentionImpl : public torch::nn::Cloneable<AttentionImpl> {
 public:
  explicit AttentionImpl(const AttentionOptions& options);
  void reset() override;
  /// `x` [B, S, D]; `rotary` = {cos, sin} or nullopt for no position encoding.
  torch::Tensor forward(const torch::Tensor& x,
                        const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary);

  AttentionOptions options;
  CastedLinear qkv_proj{nullptr};
  CastedLinear o_proj{nullptr};
};
TORCH_MODULE(Attention);

// ==== Block ====

/// Options of Block.
struct BlockOptions {
  BlockOptions(int64_t hidden_size, int64_t seq_len) : hidden_size_(hidden_size), seq_len_(seq_len) {}
  TORCH_ARG(int64_t, hidden_size);
  /// S, used by the sequence mixer.
  TORCH_ARG(int64_t, seq_len);
  TORCH_ARG(int64_t, num_heads) = 8;
  TORCH_ARG(double, expansion) = 4.0;
  /// `attention` or `mlp`.
  TORCH_ARG(std::string, mixer) = "attention";
  TORCH_ARG(double, rms_norm_eps) = 1e-5;
};

/// One post-norm block. Attention variant: h = norm(h + attn(h)); h =
/// norm(h + mlp(h)). MLP variant: the first residual runs on the transposed
/// tensor [B, D, S], so its norm normalises each channel over the sequence.
class BlockImpl : public torch::nn::Cloneable<BlockImpl> {
 public:
  explicit BlockImpl(const BlockOptions& options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x,
                        const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary);

  BlockOptions options;
  Attention self_attn{nullptr};
  SwiGlu mlp_t{nullptr};
  SwiGlu mlp{nullptr};
};
TORCH_MODULE(Block);

}  // namespace trm::model
