// `trm test`: accuracy of a checkpoint on its task's held-out examples,
// step by step, with the halting head on and off.

#include "commands.h"

#include "trm/core/config.h"
#include "trm/core/jsonl.h"
#include "trm/model/checkpoint.h"
#include "trm/tasks/registry.h"
#include "trm/train/evaluation.h"

#include <spdlog/spdlog.h>

namespace trm::apps {
namespace {

struct TestArgs {
  std::string checkpoint;
  std::vector<std::string> overrides;
  std::string report;
  int batch_size = 0;
  int threads = 0;
  std::string device = "cpu";
  std::string log_level = "info";
};

void run_test(const TestArgs& args) {
  init_runtime(args.log_level, args.threads);
  const torch::Device device = model::parse_device(args.device);
  auto loaded = model::load_for_inference(args.checkpoint, device);

  // The stored config names the task and its held-out data; --set may point it elsewhere.
  YAML::Node root = loaded.config.to_yaml();
  for (const auto& assignment : args.overrides) core::apply_override(root, assignment);
  core::Config config = core::Config::from_yaml(root);
  config.validate();
  const auto task = tasks::make_task(config);
  if (task->vocab_size() != loaded.model->options.vocab_size() || task->seq_len() != loaded.model->options.seq_len()) {
    throw std::invalid_argument("--set: the task now has V=" + std::to_string(task->vocab_size()) + ", L=" +
                                std::to_string(task->seq_len()) + " but the checkpoint was trained with V=" +
                                std::to_string(loaded.model->options.vocab_size()) + ", L=" +
                                std::to_string(loaded.model->options.seq_len()));
  }

  const int batch_size = args.batch_size > 0 ? args.batch_size : config.train.batch_size;
  const int max_steps = config.model.halt_max_steps;
  spdlog::info("[test] {} at step {} ({} weights), task {}, {} examples, {} supervision steps", args.checkpoint,
               loaded.step, loaded.ema ? "EMA" : "raw", task->name(), task->dev_examples().size(), max_steps);
  const auto start = std::chrono::steady_clock::now();
  const auto stats = train::evaluate_examples(loaded.model, task->dev_examples(), batch_size, max_steps, device);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  spdlog::info("[test] step | exact (halting off) | token (halting off) | exact (halting on) | mean steps (halting on)");
  for (int k = 0; k < max_steps; ++k) {
    spdlog::info("[test] {:>4} | {:>19.4f} | {:>19.4f} | {:>18.4f} | {:>23.2f}", k + 1, stats.exact_by_step[k],
                 stats.token_by_step[k], stats.exact_with_halting_by_step[k], stats.mean_halting_steps_by_step[k]);
  }
  spdlog::info("[test] exact {:.4f}, token {:.4f} after {} steps; with halting {:.4f} at {:.2f} steps; {:.1f} s",
               stats.exact_accuracy, stats.token_accuracy, max_steps, stats.exact_with_halting,
               stats.mean_halting_steps, seconds);
  if (!args.report.empty()) {
    auto report = stats.to_json();
    report["checkpoint"] = args.checkpoint;
    report["checkpoint_step"] = loaded.step;
    report["task"] = task->name();
    report["seconds"] = seconds;
    core::write_file_atomic(args.report, report.dump(2) + "\n");
    spdlog::info("[test] report written to {}", args.report);
  }
}

}  // namespace

void add_test_command(CLI::App& app) {
  auto args = std::make_shared<TestArgs>();
  auto* command = app.add_subcommand(
      "test", "Accuracy of a checkpoint on its task's held-out examples after each supervision step.");
  command->add_option("--checkpoint", args->checkpoint, "Checkpoint (.safetensors) written by trm train.")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--set", args->overrides,
                      "Override a setting of the stored config, e.g. data.dev=[test.jsonl] (repeatable).");
  command->add_option("--report", args->report, "Write the numbers as JSON to this file.");
  command->add_option("--batch-size", args->batch_size, "Examples per batch (default: train.batch_size).");
  command->add_option("--threads", args->threads, "Intra-op threads (0 = all cores).");
  command->add_option("--device", args->device, "cpu, cuda or cuda:<index>.");
  command->add_option("--log-level", args->log_level, "trace, debug, info, warn or error.");
  command->callback([args] { run_test(*args); });
}

}  // namespace trm::apps
