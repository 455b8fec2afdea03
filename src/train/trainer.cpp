#include "trm/train/trainer.h"

#include "trm/core/jsonl.h"
#include "trm/core/logging.h"
#include "trm/train/loss.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <functional>
#include <sstream>

namespace trm::train {
namespace {

std::string format_duration(double seconds) {
  const auto total = static_cast<int64_t>(seconds);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld", static_cast<long long>(total / 3600),
                static_cast<long long>((total / 60) % 60), static_cast<long long>(total % 60));
  return buffer;
}

std::string config_digest(const std::string& yaml_text) {
  std::ostringstream out;
  out << std::hex << std::hash<std::string>{}(yaml_text);
  return out.str().substr(0, 12);
}

template <typename T>
T metadata_value(const model::TensorFile& file, const std::string& key, const std::string& path) {
  auto found = file.metadata.find(key);
  if (found == file.metadata.end()) throw std::runtime_error(path + ": checkpoint metadata '" + key + "' missing");
  std::istringstream in(found->second);
  T value{};
  in >> value;
  return value;
}

const torch::Tensor& tensor_at(const model::TensorFile& file, const std::string& key, const std::string& path) {
  auto found = file.tensors.find(key);
  if (found == file.tensors.end()) throw std::runtime_error(path + ": checkpoint tensor '" + key + "' missing");
  return found->second;
}

}  // namespace

// ==== Trainer: setup ====

Trainer::Trainer(core::Config config, const tasks::Task& task)
    : config_(std::move(config)), task_(task), device_(model::parse_device(config_.runtime.device)) {
  rng_.seed(config_.train.seed);
  torch::manual_seed(config_.train.seed);
  build_model();
  reset_carry();
}

void Trainer::build_model() {
  model_ = model::TinyRecursiveModel(
      model::TinyRecursiveModelOptions(config_.model, task_.vocab_size(), task_.seq_len()));
  model_->to(device_);
  optimizer_ = make_optimizer(config_.train, model_->dense_parameters(), model_->dense_parameter_names());
  if (config_.train.ema) ema_ = std::make_unique<Ema>(model_->dense_parameters(), config_.train.ema_rate);
}

void Trainer::reset_carry() {
  const int64_t batch = config_.train.batch_size;
  const int64_t length = task_.seq_len();
  inputs_ = torch::zeros({batch, length}, torch::kLong);
  labels_ = torch::full({batch, length}, tasks::kIgnoreLabel, torch::kLong);
  puzzle_ids_ = torch::zeros({batch}, torch::kLong);
  steps_ = torch::zeros({batch}, torch::kInt32);
  halted_ = torch::ones({batch}, torch::kBool);  // every slot takes a fresh example at the first step
  torch::NoGradGuard no_grad;
  const int64_t s = config_.model.puzzle_emb_len + length;
  state_ = {torch::zeros({batch, s, config_.model.hidden_size}, model_->forward_dtype()).to(device_),
            torch::zeros({batch, s, config_.model.hidden_size}, model_->forward_dtype()).to(device_)};
}

// ==== Trainer: run ====

void Trainer::run(bool resume) {
  const auto& train = config_.train;
  std::filesystem::create_directories(train.out_dir);
  core::add_log_file(train.out_dir + "/train.log");
  const std::string config_text = YAML::Dump(config_.to_yaml());
  core::write_file_atomic(train.out_dir + "/config.yaml", config_text + "\n");
  metrics_.open(train.out_dir + "/metrics.jsonl", std::ios::app);

  const std::string last_path = train.out_dir + "/last.safetensors";
  if (resume) {
    if (!std::filesystem::exists(last_path)) {
      throw std::runtime_error("--resume: no checkpoint at '" + last_path + "'; start without --resume");
    }
    load_checkpoint(last_path);
    spdlog::info("[train] resumed from {} at step {}", last_path, step_);
  }

  spdlog::info("[train] model {}", model_->summary());
  spdlog::info("[train] parameters {} (puzzle embedding excluded), config digest {}, threads {}, device {}",
               model_->num_dense_parameters(), config_digest(config_text), torch::get_num_threads(),
               device_.str());
  spdlog::info("[train] task {} (V={}, L={}), {} training records, {} dev examples, batch {}, steps {}",
               task_.name(), task_.vocab_size(), task_.seq_len(), task_.num_train(), task_.dev_examples().size(),
               train.batch_size, train.max_steps);

  start_time_ = std::chrono::steady_clock::now();
  start_step_ = step_;
  auto window_start = start_time_;
  int64_t window_steps = 0;
  bool evaluated_at_end = false;

  while (step_ < train.max_steps) {
    const StepStats stats = train_step();
    ++window_steps;
    evaluated_at_end = false;

    if (step_ % train.log_every == 0 || step_ == 1 || step_ == train.max_steps) {
      const auto now = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(now - window_start).count();
      const double rate = seconds > 0 ? static_cast<double>(window_steps * train.batch_size) / seconds : 0.0;
      spdlog::info("[train] {}", progress_line(stats, rate));
      write_metrics({{"kind", "train"}, {"step", stats.step}, {"lr", stats.lr}, {"lm_loss", stats.lm_loss},
                     {"q_halt_loss", stats.q_halt_loss}, {"halted", stats.halted},
                     {"exact_accuracy", stats.exact_accuracy}, {"token_accuracy", stats.token_accuracy},
                     {"mean_steps", stats.mean_steps}, {"examples_per_second", rate}});
      window_start = now;
      window_steps = 0;
    }

    const bool evaluate_now = (train.eval_every > 0 && step_ % train.eval_every == 0) || step_ == train.max_steps;
    if (evaluate_now) {
      const EvalStats eval = evaluate();
      const bool improved = eval.exact_accuracy > best_exact_;
      std::string verdict;
      if (improved) {
        best_exact_ = eval.exact_accuracy;
        evals_without_improvement_ = 0;
        save_checkpoint(train.out_dir + "/best.safetensors", "best");
        verdict = "new best";
      } else {
        ++evals_without_improvement_;
        verdict = "no improvement for " + std::to_string(evals_without_improvement_) + " evals (best " +
                  std::to_string(best_exact_) + ")";
      }
      spdlog::info("[eval] step {} | dev exact {:.4f} | token {:.4f} | exact with halting {:.4f} at {:.2f} steps | {}",
                   step_, eval.exact_accuracy, eval.token_accuracy, eval.exact_with_halting,
                   eval.mean_halting_steps, verdict);
      auto record = eval.to_json();
      record["kind"] = "eval";
      record["step"] = step_;
      write_metrics(record);
      save_checkpoint(last_path, "last");
      evaluated_at_end = true;
    } else if (train.checkpoint_every > 0 && step_ % train.checkpoint_every == 0) {
      save_checkpoint(last_path, "last");
    }
  }
  if (!evaluated_at_end) save_checkpoint(last_path, "last");
  spdlog::info("[train] done at step {}; best dev exact {:.4f}; checkpoints in {}", step_, std::max(0.0, best_exact_),
               train.out_dir);
}

// ==== Trainer: step helpers ====

std::size_t Trainer::next_train_index() {
  if (cursor_ >= order_.size()) {
    order_.resize(task_.num_train());
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int64_t>(i);
    std::shuffle(order_.begin(), order_.end(), rng_);
    cursor_ = 0;
  }
  return static_cast<std::size_t>(order_[cursor_++]);
}

void Trainer::refill_halted_slots() {
  torch::NoGradGuard no_grad;
  auto halted = halted_.accessor<bool, 1>();
  auto inputs = inputs_.accessor<int64_t, 2>();
  auto labels = labels_.accessor<int64_t, 2>();
  auto ids = puzzle_ids_.accessor<int64_t, 1>();
  auto steps = steps_.accessor<int32_t, 1>();
  for (int64_t slot = 0; slot < halted_.size(0); ++slot) {
    if (!halted[slot]) continue;
    const tasks::Example example = task_.train_example(next_train_index(), rng_);
    for (std::size_t i = 0; i < example.inputs.size(); ++i) {
      inputs[slot][i] = example.inputs[i];
      labels[slot][i] = example.labels[i];
    }
    ids[slot] = example.puzzle_id;
    steps[slot] = 0;
  }
}

void Trainer::update_halting(const torch::Tensor& q_halt) {
  const int max_steps = config_.model.halt_max_steps;
  const double exploration = config_.model.halt_exploration_prob;
  auto q = q_halt.detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
  auto q_values = q.accessor<float, 1>();
  auto steps = steps_.accessor<int32_t, 1>();
  auto halted = halted_.accessor<bool, 1>();
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int> min_steps_draw(2, std::max(2, max_steps));
  for (int64_t slot = 0; slot < steps_.size(0); ++slot) {
    steps[slot] += 1;
    bool halt = steps[slot] >= max_steps || q_values[slot] > 0.0f;
    // Exploration: some slots must run a random minimum number of steps, so
    // the halting head also gets examples where continuing pays off.
    const bool explore = uniform(rng_) < exploration;
    const int min_steps = min_steps_draw(rng_);
    if (explore && max_steps > 1) halt = halt && steps[slot] >= min_steps;
    halted[slot] = halt;
  }
}

StepStats Trainer::train_step() {
  const int64_t batch = config_.train.batch_size;

  // 1. sample: halted slots take fresh examples and the initial state
  refill_halted_slots();
  auto inputs = inputs_.to(device_);
  auto labels = labels_.to(device_);
  auto puzzle_ids = puzzle_ids_.to(device_);

  // 2. forward: one supervision step for every slot; refilled slots restart from the initial state
  model_->train();
  model_->zero_grad();
  auto x = model_->input_embedding(inputs, puzzle_ids);  // [B, S, D]
  {
    torch::NoGradGuard no_grad;
    state_ = model_->reset_rows(state_, halted_, x);
  }
  auto out = model_->supervision_step(x, state_);
  auto terms = act_loss(out.logits, labels, out.q_halt, batch);

  // 3. backward
  terms.total.backward();

  // 4. optimize: main optimizer, puzzle-embedding sign-SGD, moving average
  ++step_;
  StepStats stats;
  stats.step = step_;
  stats.lr = learning_rate(config_.train, step_);
  optimizer_->step(stats.lr);
  if (config_.train.puzzle_emb_lr > 0) {
    // Both optimizers follow the same schedule, scaled to their own base rate.
    const double puzzle_lr = stats.lr * config_.train.puzzle_emb_lr / config_.train.lr;
    sign_sgd_rows(model_->puzzle_emb, puzzle_ids, puzzle_lr, config_.train.puzzle_emb_weight_decay);
  }
  if (ema_) ema_->update(model_->dense_parameters());

  // 5. carry: detached state, step counts and halting decisions
  state_ = out.state;
  update_halting(out.q_halt);

  // 6. metrics over the slots that halted at this step
  auto halted = halted_.to(device_) & terms.has_labels;
  const auto count = halted.sum().item<int64_t>();
  stats.halted = count;
  stats.lm_loss = terms.lm_loss.item<double>() / static_cast<double>(batch);
  stats.q_halt_loss = terms.q_halt_loss.item<double>() / static_cast<double>(batch);
  if (count > 0) {
    auto halted_float = halted.to(torch::kFloat64);
    stats.exact_accuracy = (terms.seq_correct.to(torch::kFloat64) * halted_float).sum().item<double>() / count;
    stats.token_accuracy = (terms.token_accuracy.to(torch::kFloat64) * halted_float).sum().item<double>() / count;
    stats.mean_steps =
        (steps_.to(device_).to(torch::kFloat64) * halted_float).sum().item<double>() / static_cast<double>(count);
    auto agreement = (out.q_halt.detach() >= 0) == terms.seq_correct;
    stats.q_halt_accuracy = (agreement.to(torch::kFloat64) * halted_float).sum().item<double>() / count;
  }
  return stats;
}

// ==== Trainer: evaluation ====

model::TinyRecursiveModel Trainer::evaluation_model() {
  auto copy = std::dynamic_pointer_cast<model::TinyRecursiveModelImpl>(model_->clone(device_));
  model::TinyRecursiveModel evaluation(copy);
  if (ema_) ema_->copy_to(evaluation->dense_parameters());
  evaluation->eval();
  return evaluation;
}

EvalStats Trainer::evaluate() {
  auto evaluation = evaluation_model();
  return evaluate_examples(evaluation, task_.dev_examples(), config_.train.batch_size, config_.model.halt_max_steps,
                           device_);
}

// ==== Trainer: checkpointing ====

void Trainer::save_checkpoint(const std::string& path, const std::string& kind) {
  model::TensorFile file;
  model::add_model_tensors(file, model_, "model.");
  if (ema_) {
    const auto names = model_->dense_parameter_names();
    for (std::size_t i = 0; i < names.size(); ++i) file.tensors["ema." + names[i]] = ema_->shadow()[i];
  }
  for (const auto& [name, tensor] : optimizer_->state()) file.tensors["optim." + name] = tensor;
  file.tensors["carry.inputs"] = inputs_;
  file.tensors["carry.labels"] = labels_;
  file.tensors["carry.puzzle_ids"] = puzzle_ids_;
  file.tensors["carry.y"] = state_.y;
  file.tensors["carry.z"] = state_.z;
  file.tensors["carry.steps"] = steps_;
  file.tensors["carry.halted"] = halted_;
  file.tensors["sampler.order"] = torch::tensor(order_.empty() ? std::vector<int64_t>{-1} : order_, torch::kLong);

  std::ostringstream rng_state;
  rng_state << rng_;
  file.metadata[model::kMetaConfig] = YAML::Dump(config_.to_yaml());
  file.metadata[model::kMetaVocabSize] = std::to_string(task_.vocab_size());
  file.metadata[model::kMetaSeqLen] = std::to_string(task_.seq_len());
  file.metadata[model::kMetaStep] = std::to_string(step_);
  file.metadata["kind"] = kind;
  file.metadata["task"] = task_.name();
  file.metadata["optimizer_steps"] = std::to_string(optimizer_->step_count());
  file.metadata["sampler_cursor"] = std::to_string(cursor_);
  file.metadata["sampler_empty"] = order_.empty() ? "1" : "0";
  file.metadata["rng"] = rng_state.str();
  file.metadata["best_exact"] = std::to_string(best_exact_);
  file.metadata["evals_without_improvement"] = std::to_string(evals_without_improvement_);
  model::save_safetensors(path, file);
}

void Trainer::load_checkpoint(const std::string& path) {
  const model::TensorFile file = model::load_safetensors(path);
  model::load_model_tensors(file, model_, "model.");

  torch::NoGradGuard no_grad;
  if (ema_) {
    const auto names = model_->dense_parameter_names();
    for (std::size_t i = 0; i < names.size(); ++i) ema_->shadow()[i].copy_(tensor_at(file, "ema." + names[i], path));
  }
  std::map<std::string, torch::Tensor> optimizer_state;
  for (const auto& [name, tensor] : file.tensors) {
    if (name.rfind("optim.", 0) == 0) optimizer_state[name.substr(6)] = tensor.to(device_);
  }
  optimizer_->load_state(optimizer_state);
  optimizer_->set_step_count(metadata_value<int64_t>(file, "optimizer_steps", path));

  const auto& saved_inputs = tensor_at(file, "carry.inputs", path);
  if (saved_inputs.sizes() != inputs_.sizes()) {
    throw std::runtime_error(path + ": the checkpoint's batch carry does not match train.batch_size and the task length");
  }
  inputs_.copy_(saved_inputs);
  labels_.copy_(tensor_at(file, "carry.labels", path));
  puzzle_ids_.copy_(tensor_at(file, "carry.puzzle_ids", path));
  steps_.copy_(tensor_at(file, "carry.steps", path));
  halted_.copy_(tensor_at(file, "carry.halted", path));
  state_ = {tensor_at(file, "carry.y", path).to(device_), tensor_at(file, "carry.z", path).to(device_)};

  const auto& order = tensor_at(file, "sampler.order", path);
  order_.clear();
  if (metadata_value<int>(file, "sampler_empty", path) == 0) {
    order_.assign(order.data_ptr<int64_t>(), order.data_ptr<int64_t>() + order.numel());
  }
  cursor_ = metadata_value<std::size_t>(file, "sampler_cursor", path);
  std::istringstream rng_state(file.metadata.at("rng"));
  rng_state >> rng_;
  step_ = metadata_value<int64_t>(file, model::kMetaStep, path);
  best_exact_ = metadata_value<double>(file, "best_exact", path);
  evals_without_improvement_ = metadata_value<int>(file, "evals_without_improvement", path);
}

// ==== Trainer: reporting ====

std::string Trainer::progress_line(const StepStats& stats, double examples_per_second) const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time_).count();
  const int64_t done = step_ - start_step_;
  const double eta = done > 0 ? elapsed / done * (config_.train.max_steps - step_) : 0.0;
  char buffer[320];
  std::snprintf(buffer, sizeof(buffer),
                "step %lld/%d | loss %.4f | halt loss %.4f | exact %.3f | token %.3f | halted %lld | steps %.2f | "
                "lr %.2e | %.1f ex/s | elapsed %s | eta %s",
                static_cast<long long>(stats.step), config_.train.max_steps, stats.lm_loss, stats.q_halt_loss,
                stats.exact_accuracy, stats.token_accuracy, static_cast<long long>(stats.halted), stats.mean_steps,
                stats.lr, examples_per_second, format_duration(elapsed).c_str(), format_duration(eta).c_str());
  return buffer;
}

void Trainer::write_metrics(const nlohmann::json& record) {
  if (metrics_.is_open()) metrics_ << record.dump() << '\n' << std::flush;
}

}  // namespace trm::train
