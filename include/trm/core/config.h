#pragma once
// Run configuration: one plain struct per YAML section, defaults written
// beside each field. Precedence is defaults < YAML file < `--set key=value`.
// Defaults of the model and optimizer follow the TRM reference
// (Jolicoeur-Martineau 2025, code at SamsungSAILMontreal/TinyRecursiveModels).
// The shipped configs shrink them for two CPU cores.

#include "trm/core/yaml_fields.h"

#include <cstdint>
#include <string>
#include <vector>

namespace trm::core {

/// Network shape and recursion (YAML section `model`).
struct ModelConfig {
  /// Width D of every position.
  int hidden_size = 512;
  /// Attention heads. hidden_size must be divisible by it.
  int num_heads = 8;
  /// Blocks in the shared network f.
  int num_layers = 2;
  /// SwiGLU width factor. The width is rounded up to a multiple of 256.
  double expansion = 4.0;
  /// Token mixer: `attention` (self-attention with RoPE) or `mlp` (MLP over the sequence axis).
  std::string mixer = "attention";
  /// Position encoding: `rope` or `none` (`none` is required by `mlp`).
  std::string pos_encodings = "rope";
  /// RoPE base.
  double rope_theta = 10000.0;
  /// Epsilon of the weightless RMSNorm.
  double rms_norm_eps = 1e-5;
  /// Prefix positions prepended to the sequence; position 0 contains the puzzle
  /// embedding and feeds the halting head.
  int puzzle_emb_len = 16;
  /// Rows of the puzzle-embedding table (1 = one vector shared by all examples).
  int num_puzzle_ids = 1;
  /// n: latent updates per cycle. 0 turns the model into direct prediction:
  /// each cycle is one call y = f(y + z + x) (an ablation, not the reference).
  int latent_steps = 6;
  /// T: cycles per supervision step. Only the last one carries gradient.
  int cycles = 3;
  /// N_sup: maximum supervision steps per example.
  int halt_max_steps = 16;
  /// Probability that a training example gets a random minimum step count in [2, N_sup].
  double halt_exploration_prob = 0.1;
  /// Dtype of the forward pass: `bfloat16` (weights kept in float32 and cast at use) or `float32`.
  std::string forward_dtype = "bfloat16";
  /// Starting answer y of an example: `fixed` (the reference: one random
  /// vector at every position) or `input` (the embedded input x, so the
  /// recursion starts from the text it refines).
  std::string answer_init = "fixed";

  /// Calls `visitor(key, field)` for every field, in YAML order.
  template <typename Visitor>
  void visit(Visitor&& visitor) {
    visitor("hidden_size", hidden_size);
    visitor("num_heads", num_heads);
    visitor("num_layers", num_layers);
    visitor("expansion", expansion);
    visitor("mixer", mixer);
    visitor("pos_encodings", pos_encodings);
    visitor("rope_theta", rope_theta);
    visitor("rms_norm_eps", rms_norm_eps);
    visitor("puzzle_emb_len", puzzle_emb_len);
    visitor("num_puzzle_ids", num_puzzle_ids);
    visitor("latent_steps", latent_steps);
    visitor("cycles", cycles);
    visitor("halt_max_steps", halt_max_steps);
    visitor("halt_exploration_prob", halt_exploration_prob);
    visitor("forward_dtype", forward_dtype);
    visitor("answer_init", answer_init);
  }
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate() const;
};

/// Task layout (YAML section `task`).
struct TaskConfig {
  /// Task name: `function_call` or `sudoku`.
  std::string name = "function_call";
  /// Tokens of the context region (tool signatures and query).
  int context_len = 512;
  /// Tokens of the output region the model writes into (the answer plus its end marker).
  int output_len = 256;
  /// Feed the model the lenient parser's canonical rendering of the base
  /// output when it can read one, instead of the raw text.
  bool lenient_input = true;
  /// Fault-model section, kept as YAML and read by the function-call task (`faults`).
  YAML::Node faults;
  /// Sudoku settings, kept as YAML and read by the Sudoku task (`sudoku`).
  YAML::Node sudoku;

  /// Calls `visitor(key, field)` for every field, in YAML order.
  template <typename Visitor>
  void visit(Visitor&& visitor) {
    visitor("name", name);
    visitor("context_len", context_len);
    visitor("output_len", output_len);
    visitor("lenient_input", lenient_input);
    visitor("faults", faults);
    visitor("sudoku", sudoku);
  }
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate() const;
};

/// Data files (YAML section `data`).
struct DataConfig {
  /// Training JSONL files or glob patterns; `default` = the embedded default data.
  std::vector<std::string> train = {"default"};
  /// Dev JSONL files or glob patterns; `default` = the embedded default data.
  std::vector<std::string> dev = {"default"};
  /// Keep only training records whose `split` equals this (empty = all).
  std::string train_split = "train";
  /// Keep only dev records whose `split` equals this (empty = all).
  std::string dev_split = "dev";
  /// Simulate base outputs from gold with the fault model (else use `base_output`).
  bool simulate_faults = true;
  /// Seed of the fixed simulated faults of the dev set.
  std::uint64_t dev_fault_seed = 1234;
  /// Dev records used by evaluation during training (0 = all).
  int dev_max_records = 0;

  /// Calls `visitor(key, field)` for every field, in YAML order.
  template <typename Visitor>
  void visit(Visitor&& visitor) {
    visitor("train", train);
    visitor("dev", dev);
    visitor("train_split", train_split);
    visitor("dev_split", dev_split);
    visitor("simulate_faults", simulate_faults);
    visitor("dev_fault_seed", dev_fault_seed);
    visitor("dev_max_records", dev_max_records);
  }
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate() const;
};

/// Optimisation (YAML section `train`).
struct TrainConfig {
  /// Slots in the training batch. Each optimizer step runs one supervision step for every slot.
  int batch_size = 768;
  /// Optimizer steps of the run.
  int max_steps = 1000;
  /// `adam_atan2` (reference) or `adamw`.
  std::string optimizer = "adam_atan2";
  /// Peak learning rate.
  double lr = 1e-4;
  /// Linear warm-up steps from 0 to `lr`.
  int lr_warmup_steps = 2000;
  /// After warm-up: `constant` or `cosine` (down to lr * lr_min_ratio).
  std::string lr_schedule = "constant";
  /// Floor of the cosine schedule as a fraction of `lr`.
  double lr_min_ratio = 1.0;
  /// Decoupled weight decay, applied to every parameter.
  double weight_decay = 1.0;
  double beta1 = 0.9;
  double beta2 = 0.95;
  /// Epsilon of AdamW (AdamATan2 has none).
  double adamw_eps = 1e-8;
  /// Learning rate and weight decay of the puzzle-embedding sign-SGD.
  double puzzle_emb_lr = 1e-4;
  double puzzle_emb_weight_decay = 1.0;
  /// Keep an exponential moving average of the weights for evaluation and saving.
  bool ema = true;
  double ema_rate = 0.999;
  /// Steps between progress lines.
  int log_every = 10;
  /// Steps between dev evaluations (0 = only at the end).
  int eval_every = 200;
  /// Steps between checkpoints of `last.safetensors` (0 = only at evaluations and the end).
  int checkpoint_every = 0;
  /// Seed of weights, sampling and faults.
  std::uint64_t seed = 0;
  /// Run directory for checkpoints, metrics and the effective config.
  std::string out_dir = "runs/default";

  /// Calls `visitor(key, field)` for every field, in YAML order.
  template <typename Visitor>
  void visit(Visitor&& visitor) {
    visitor("batch_size", batch_size);
    visitor("max_steps", max_steps);
    visitor("optimizer", optimizer);
    visitor("lr", lr);
    visitor("lr_warmup_steps", lr_warmup_steps);
    visitor("lr_schedule", lr_schedule);
    visitor("lr_min_ratio", lr_min_ratio);
    visitor("weight_decay", weight_decay);
    visitor("beta1", beta1);
    visitor("beta2", beta2);
    visitor("adamw_eps", adamw_eps);
    visitor("puzzle_emb_lr", puzzle_emb_lr);
    visitor("puzzle_emb_weight_decay", puzzle_emb_weight_decay);
    visitor("ema", ema);
    visitor("ema_rate", ema_rate);
    visitor("log_every", log_every);
    visitor("eval_every", eval_every);
    visitor("checkpoint_every", checkpoint_every);
    visitor("seed", seed);
    visitor("out_dir", out_dir);
  }
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate() const;
};

/// Device, threads and log level (YAML section `runtime`).
struct RuntimeConfig {
  /// Intra-op threads (0 = all cores).
  int threads = 0;
  /// `cpu`, `cuda` or `cuda:<index>`.
  std::string device = "cpu";
  /// Log level: `trace`, `debug`, `info`, `warn`, `error`.
  std::string log_level = "info";

  /// Calls `visitor(key, field)` for every field, in YAML order.
  template <typename Visitor>
  void visit(Visitor&& visitor) {
    visitor("threads", threads);
    visitor("device", device);
    visitor("log_level", log_level);
  }
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate() const;
};

/// The whole configuration of a run.
struct Config {
  ModelConfig model;
  TaskConfig task;
  DataConfig data;
  TrainConfig train;
  RuntimeConfig runtime;

  /// Reads a YAML document and rejects unknown keys.
  static Config from_yaml(const YAML::Node& root);
  /// Reads a file, applies `key=value` overrides (values are YAML scalars or
  /// flow collections) and validates. Errors start with the file name.
  static Config load(const std::string& path, const std::vector<std::string>& overrides = {});
  /// Checks every section. Throws std::invalid_argument naming key, rule and value.
  void validate() const;
  /// The effective configuration as YAML (every field, defaults included).
  YAML::Node to_yaml() const;
};

/// Applies one `a.b.c=value` override to a YAML tree. Throws
/// std::invalid_argument when the text has no '=' or an empty key.
void apply_override(YAML::Node& root, const std::string& assignment);

/// Resolves the `threads` setting: 0 means every core the process may use.
int resolve_threads(int threads);

}  // namespace trm::core
