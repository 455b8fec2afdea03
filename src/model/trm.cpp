#include "trm/model/trm.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace trm::model {

// ==== ReasoningNet ====

ReasoningNetImpl::ReasoningNetImpl(const TinyRecursiveModelOptions& options_) : options(options_) { reset(); }

void ReasoningNetImpl::reset() {
  const auto& config = options.config();
  layers = register_module("layers", torch::nn::ModuleList());
  for (int i = 0; i < config.num_layers; ++i) {
    layers->push_back(Block(BlockOptions(config.hidden_size, config.puzzle_emb_len + options.seq_len())
                                .num_heads(config.num_heads)
                                .expansion(config.expansion)
                                .mixer(config.mixer)
                                .rms_norm_eps(config.rms_norm_eps)));
  }
}

torch::Tensor ReasoningNetImpl::forward(const torch::Tensor& hidden, const torch::Tensor& injection,
                                        const std::optional<std::pair<torch::Tensor, torch::Tensor>>& rotary) {
  auto h = hidden + injection;  // input injection is one sum before the first block
  for (const auto& layer : *layers) h = layer->as<Block>()->forward(h, rotary);
  return h;
}

// ==== TinyRecursiveModel ====

TinyRecursiveModelImpl::TinyRecursiveModelImpl(const TinyRecursiveModelOptions& options_) : options(options_) {
  reset();
}

void TinyRecursiveModelImpl::reset() {
  const auto& config = options.config();
  const int64_t d = config.hidden_size;
  rotary_ = RotaryEmbedding(d / config.num_heads, config.rope_theta);

  embed_tokens = register_parameter("embed_tokens", torch::empty({options.vocab_size(), d}));
  puzzle_emb = register_parameter("puzzle_emb", torch::zeros({config.num_puzzle_ids, d}));
  lm_head = register_module("lm_head", CastedLinear(CastedLinearOptions(d, options.vocab_size())));
  q_head = register_module("q_head", CastedLinear(CastedLinearOptions(d, 2).bias(true)));
  net = register_module("net", ReasoningNet(options));
  y_init = register_buffer("y_init", torch::empty({d}, forward_dtype()));
  z_init = register_buffer("z_init", torch::empty({d}, forward_dtype()));
  reset_parameters();
}

void TinyRecursiveModelImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  const auto d = static_cast<double>(options.config().hidden_size);
  embed_tokens.copy_(truncated_normal(embed_tokens.sizes(), 1.0 / std::sqrt(d)));
  puzzle_emb.zero_();
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* linear = module->as<CastedLinearImpl>()) linear->reset_parameters();
  }
  // The halting head starts at "continue" with certainty ~0.993 (logit -5).
  q_head->weight.zero_();
  q_head->bias.fill_(-5.0);
  y_init.copy_(truncated_normal(y_init.sizes(), 1.0));
  z_init.copy_(truncated_normal(z_init.sizes(), 1.0));
}

torch::Dtype TinyRecursiveModelImpl::forward_dtype() const {
  return options.config().forward_dtype == "float32" ? torch::kFloat32 : torch::kBFloat16;
}

std::optional<std::pair<torch::Tensor, torch::Tensor>> TinyRecursiveModelImpl::rotary_tables(
    const torch::Device& device) {
  if (options.config().pos_encodings != "rope") return std::nullopt;
  return rotary_.tables(options.config().puzzle_emb_len + options.seq_len(), device);
}

torch::Tensor TinyRecursiveModelImpl::input_embedding(const torch::Tensor& tokens, const torch::Tensor& puzzle_ids) {
  TORCH_CHECK(tokens.dim() == 2 && tokens.size(1) == options.seq_len(), "tokens must be [B, ", options.seq_len(),
              "], got ", tokens.sizes());
  TORCH_CHECK(puzzle_ids.dim() == 1 && puzzle_ids.size(0) == tokens.size(0), "puzzle ids must be [B], got ",
              puzzle_ids.sizes());
  const auto& config = options.config();
  const int64_t batch = tokens.size(0);
  const int64_t d = config.hidden_size;
  const auto dtype = forward_dtype();

  // 1. token embedding: [B, L, D]
  auto tokens_embedded = torch::embedding(embed_tokens, tokens).to(dtype);

  // 2. puzzle prefix: the looked-up vector at position 0, zeros after it: [B, P, D]
  auto prefix = torch::zeros({batch, config.puzzle_emb_len, d}, tokens_embedded.options());
  auto puzzle = torch::embedding(puzzle_emb, puzzle_ids).to(dtype).unsqueeze(1);  // [B, 1, D]
  prefix = torch::cat({puzzle, prefix.narrow(1, 1, config.puzzle_emb_len - 1)}, 1);

  // 3. concatenate and scale the whole sequence: [B, S, D]
  return torch::cat({prefix, tokens_embedded}, 1) * std::sqrt(static_cast<double>(d));
}

RecursionState TinyRecursiveModelImpl::initial_state(const torch::Tensor& x) {
  const int64_t d = options.config().hidden_size;
  auto z = z_init.view({1, 1, d}).expand(x.sizes()).clone();  // [B, S, D]
  if (options.config().answer_init == "input") return {x.detach().clone(), z};
  return {y_init.view({1, 1, d}).expand(x.sizes()).clone(), z};
}

RecursionState TinyRecursiveModelImpl::reset_rows(const RecursionState& state, const torch::Tensor& reset,
                                                  const torch::Tensor& x) {
  const int64_t d = options.config().hidden_size;
  auto mask = reset.to(x.device()).view({-1, 1, 1});  // [B, 1, 1]
  auto y_start = options.config().answer_init == "input" ? x.detach() : y_init.view({1, 1, d});
  return {torch::where(mask, y_start, state.y), torch::where(mask, z_init.view({1, 1, d}), state.z)};
}

StepOutput TinyRecursiveModelImpl::supervision_step(const torch::Tensor& x, const RecursionState& state) {
  const auto& config = options.config();
  const auto rotary = rotary_tables(x.device());
  auto y = state.y;
  auto z = state.z;

  auto latent_update = [&] {
    z = net(z, y + x, rotary);
    if (observer_) observer_(UpdateKind::kLatent, z);
  };
  // With n = 0 (direct prediction) the y update is the only call, so it takes x too.
  const bool direct = config.latent_steps == 0;
  auto answer_update = [&] {
    y = net(y, direct ? z + x : z, rotary);
    if (observer_) observer_(UpdateKind::kAnswer, y);
  };

  // 1. T - 1 cycles without gradient: they only improve the starting point
  {
    torch::NoGradGuard no_grad;
    for (int cycle = 0; cycle + 1 < config.cycles; ++cycle) {
      for (int i = 0; i < config.latent_steps; ++i) latent_update();
      answer_update();
    }
  }

  // 2. last cycle with gradient: n latent updates z = f(z + y + x), then y = f(y + z)
  for (int i = 0; i < config.latent_steps; ++i) latent_update();
  answer_update();

  // 3. heads: the answer after the prefix, halting from position 0
  StepOutput out;
  out.logits = lm_head(y.narrow(1, config.puzzle_emb_len, options.seq_len()));  // [B, L, V]
  auto q = q_head(y.select(1, 0)).to(torch::kFloat32);                           // [B, 2]
  out.q_halt = q.select(1, 0);
  out.q_continue = q.select(1, 1);

  // 4. the carry leaves detached: no gradient flows between supervision steps
  out.state = {y.detach(), z.detach()};
  return out;
}

StepOutput TinyRecursiveModelImpl::forward(const torch::Tensor& tokens, const torch::Tensor& puzzle_ids,
                                           const RecursionState& state) {
  return supervision_step(input_embedding(tokens, puzzle_ids), state);
}

std::vector<torch::Tensor> TinyRecursiveModelImpl::dense_parameters() {
  std::vector<torch::Tensor> result;
  for (const auto& item : named_parameters()) {
    if (item.key() != "puzzle_emb") result.push_back(item.value());
  }
  return result;
}

std::vector<std::string> TinyRecursiveModelImpl::dense_parameter_names() {
  std::vector<std::string> result;
  for (const auto& item : named_parameters()) {
    if (item.key() != "puzzle_emb") result.push_back(item.key());
  }
  return result;
}

int64_t TinyRecursiveModelImpl::num_dense_parameters() {
  int64_t count = 0;
  for (const auto& parameter : dense_parameters()) count += parameter.numel();
  return count;
}

void TinyRecursiveModelImpl::pretty_print(std::ostream& stream) const {
  const auto& config = options.config();
  stream << "trm::TinyRecursiveModel(D=" << config.hidden_size << ", layers=" << config.num_layers
         << ", mixer=" << config.mixer << ", heads=" << config.num_heads << ", n=" << config.latent_steps
         << ", T=" << config.cycles << ", N_sup=" << config.halt_max_steps << ", V=" << options.vocab_size()
         << ", S=" << config.puzzle_emb_len + options.seq_len() << ", dtype=" << config.forward_dtype << ")";
}

std::string TinyRecursiveModelImpl::summary() const {
  std::ostringstream out;
  pretty_print(out);
  return out.str();
}

torch::Device parse_device(const std::string& name) {
  torch::Device device(name);
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw std::runtime_error("runtime.device is '" + name + "' but CUDA is not available in this build or machine");
  }
  return device;
}

}  // namespace trm::model
