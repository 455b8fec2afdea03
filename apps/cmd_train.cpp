// `trm train`: trains a model from a YAML config.

#include "commands.h"

#include "trm/core/config.h"
#include "trm/tasks/registry.h"
#include "trm/train/trainer.h"

#include <spdlog/spdlog.h>

#include <iostream>

namespace trm::apps {
namespace {

struct TrainArgs {
  std::string config_path;
  std::vector<std::string> overrides;
  bool resume = false;
  bool dump_config = false;
  int threads = -1;
  std::string device;
  std::string log_level;
};

void run_train(const TrainArgs& args) {
  auto overrides = args.overrides;
  if (args.threads >= 0) overrides.push_back("runtime.threads=" + std::to_string(args.threads));
  if (!args.device.empty()) overrides.push_back("runtime.device=" + args.device);

  if (!args.log_level.empty()) overrides.push_back("runtime.log_level=" + args.log_level);
  const core::Config config = core::Config::load(args.config_path, overrides);
  if (args.dump_config) {
    std::cout << YAML::Dump(config.to_yaml()) << std::endl;
    return;
  }

  init_runtime(config.runtime.log_level, config.runtime.threads);
  spdlog::info("[config] {} ({} override{})", args.config_path, overrides.size(), overrides.size() == 1 ? "" : "s");
  auto task = tasks::make_task(config);
  train::Trainer trainer(config, *task);
  trainer.run(args.resume);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* command = app.add_subcommand("train", "Train a model from a YAML config.");
  command->add_option("--config", args->config_path, "YAML config file.")->required()->check(CLI::ExistingFile);
  command->add_option("--set", args->overrides, "Override one config key, e.g. --set train.lr=3e-4 (repeatable).");
  command->add_flag("--resume", args->resume, "Continue from <train.out_dir>/last.safetensors.");
  command->add_flag("--dump-config", args->dump_config, "Print the effective config and exit.");
  command->add_option("--threads", args->threads, "Intra-op threads; overrides runtime.threads (0 = all cores).");
  command->add_option("--device", args->device, "Device; overrides runtime.device (cpu, cuda, cuda:N).");
  command->add_option("--log-level", args->log_level, "trace, debug, info, warn or error; overrides runtime.log_level.");
  command->callback([args] { run_train(*args); });
}

}  // namespace trm::apps
