#include "trm/model/layers.h"

#include <cmath>

namespace trm::model {

torch::Tensor truncated_normal(torch::IntArrayRef shape, double std, torch::Generator* generator) {
  // Inverse-CDF sampling of N(0, 1) restricted to [-2, 2]. The factor makes
  // the standard deviation of the truncated draw equal 1 before scaling.
  constexpr double kLower = -2.0;
  constexpr double kUpper = 2.0;
  constexpr double kStdCorrection = 1.1368472;
  const double cdf_lower = 0.5 * (1.0 + std::erf(kLower / std::sqrt(2.0)));
  const double cdf_upper = 0.5 * (1.0 + std::erf(kUpper / std::sqrt(2.0)));

  auto uniform = torch::empty(shape, torch::kFloat64);
  if (generator != nullptr) {
    uniform.uniform_(cdf_lower, cdf_upper, *generator);
  } else {
    uniform.uniform_(cdf_lower, cdf_upper);
  }
  auto normal = std::sqrt(2.0) * torch::erfinv(2.0 * uniform - 1.0);
  return (normal.clamp(kLower, kUpper) * (std * kStdCorrection)).to(torch::kFloat32);
}

int64_t swiglu_width(int64_t width, double expansion) {
  const auto raw = static_cast<int64_t>(std::llround(expansion * static_cast<double>(width) * 2.0 / 3.0));
  return ((raw + 255) / 256) * 256;
}

torch::Tensor rms_norm(const torch::Tensor& x, double eps) {
  auto x32 = x.to(torch::kFloat32);
  x32 = x32 * torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return x32.to(x.scalar_type());
}

// ==== CastedLinear ====

CastedLinearImpl::CastedLinearImpl(const CastedLinearOptions& options_) : options(options_) { reset(); }

void CastedLinearImpl::reset() {
  weight = register_parameter("weight", torch::empty({options.out_features(), options.in_features()}));
  if (options.bias()) bias = register_parameter("bias", torch::empty({options.out_features()}));
  reset_parameters();
}

void CastedLinearImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  weight.copy_(truncated_normal(weight.sizes(), 1.0 / std::sqrt(static_cast<double>(options.in_features()))));
  if (bias.defined()) bias.zero_();
}

torch::Tensor CastedLinearImpl::forward(const torch::Tensor& x) {
  const auto dtype = x.scalar_type();
  if (bias.defined()) return torch::linear(x, weight.to(dtype), bias.to(dtype));
  return torch::linear(x, weight.to(dtype));
}

void CastedLinearImpl::pretty_print(std::ostream& stream) const {
  stream << "trm::CastedLinear(in=" << options.in_features() << ", out=" << options.out_features()
         << ", bias=" << (options.bias() ? "true" : "false") << ")";
}

// ==== RotaryEmbedding ====

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::tables(int64_t seq_len, const torch::Device& device) {
  if (!cos_.defined() || cos_.size(0) != seq_len || cos_.device() != device) {
    auto options = torch::TensorOptions().dtype(torch::kFloat32);
    auto inv_freq = torch::pow(theta_, -torch::arange(0, head_dim_, 2, options) / static_cast<double>(head_dim_));
    auto positions = torch::arange(seq_len, options);
    auto freqs = torch::outer(positions, inv_freq);   // [S, K/2]
    auto angles = torch::cat({freqs, freqs}, -1);      // [S, K]
    cos_ = angles.cos().to(device);
    sin_ = angles.sin().to(device);
  }
  return {cos_, sin_};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const auto dtype = x.scalar_type();
  const int64_t half = x.size(-1) / 2;
  auto x32 = x.to(torch::kFloat32);                                   // [B, S, H, K]
  auto rotated = torch::cat({-x32.narrow(-1, half, half), x32.narrow(-1, 0, half)}, -1);
  auto c = cos.unsqueeze(1);                                          // [S, 1, K]
  auto s = sin.unsqueeze(1);
  return (x32 * c + rotated * s).to(dtype);
}

// ==== SwiGlu ====

SwiGluImpl::SwiGluImpl(const SwiGluOptions& options_) : options(options_) { reset(); }

void SwiGluImpl::reset() {
  const int64_t inner = swiglu_width(options.width(), options.expansion());
  gate_up_proj = register_module("gate_up_proj", CastedLinear(CastedLinearOptions(options.width(), 2 * inner)));
  down_proj = register_module("down_proj", CastedLinear(CastedLinearOptions(inner, options.width())));
}

torch::Tensor SwiGluImpl::forward(const torch::Tensor& x) {
  auto gate_up = gate_up_proj(x).chunk(2, -1);  // gate, up: [..., I] each
  return down_proj(torch::silu(gate_up[0]) * gate_up[1]);
}

// ==== Attention ====

AttentionImpl::AttentionImpl(const AttentionOptions& options_) : options(options_) { reset(); }

void AttentionImpl::reset() {
  const int64_t d = options.hidden_size();
  qkv_proj = register_module("qkv_proj", CastedLinear(CastedLinearOptions(d, 3 * d)));
  o_proj = register_module("o_proj", CastedLinear(CastedLinearOptions(d, d)));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x,
                                     const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary) {
  const int64_t batch = x.size(0);
  const int64_t seq = x.size(1);
  const int64_t heads = options.num_heads();
  const int64_t head_dim = options.hidden_size() / heads;

  // 1. project: [B, S, 3H, K], query heads first, then keys, then values
  auto qkv = qkv_proj(x).view({batch, seq, 3 * heads, head_dim});
  auto q = qkv.narrow(2, 0, heads);
  auto k = qkv.narrow(2, heads, heads);
  auto v = qkv.narrow(2, 2 * heads, heads);

  // 2. rotate queries and keys
  if (rotary) {
    q = apply_rotary(q, rotary->first, rotary->second);
    k = apply_rotary(k, rotary->first, rotary->second);
  }

  // 3. scaled dot-product attention over all positions. The scale goes on q
  //    ([B, S, H, K]) rather than on the scores ([B, H, S, S]), because on a CPU
  //    the S x S element-wise passes cost more than the matrix products.
  q = (q * (1.0 / std::sqrt(static_cast<double>(head_dim)))).transpose(1, 2);  // [B, H, S, K]
  k = k.transpose(1, 2);
  v = v.transpose(1, 2);
  auto scores = torch::matmul(q, k.transpose(-2, -1));  // [B, H, S, S]
  auto weights = torch::softmax(scores, -1);              // in the forward dtype
  auto attended = torch::matmul(weights, v);              // [B, H, S, K]

  // 4. merge heads: [B, S, D]
  attended = attended.transpose(1, 2).reshape({batch, seq, options.hidden_size()});
  return o_proj(attended);
}

// ==== Block ====

BlockImpl::BlockImpl(const BlockOptions& options_) : options(options_) { reset(); }

void BlockImpl::reset() {
  if (options.mixer() == "mlp") {
    mlp_t = register_module("mlp_t", SwiGlu(SwiGluOptions(options.seq_len(), options.expansion())));
  } else {
    self_attn = register_module("self_attn", Attention(AttentionOptions(options.hidden_size(), options.num_heads())));
  }
  mlp = register_module("mlp", SwiGlu(SwiGluOptions(options.hidden_size(), options.expansion())));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x,
                                 const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary) {
  const double eps = options.rms_norm_eps();
  auto h = x;
  if (mlp_t) {
    // sequence mixer on [B, D, S]: the norm runs over the sequence axis
    auto u = h.transpose(1, 2);
    u = rms_norm(u + mlp_t(u), eps);
    h = u.transpose(1, 2);
  } else {
    h = rms_norm(h + self_attn(h, rotary), eps);
  }
  return rms_norm(h + mlp(h), eps);
}

}  // namespace trm::model
