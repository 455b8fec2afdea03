#pragma once
// The subcommands of the `trm` binary. Each file apps/cmd_<verb>.cpp adds
// one subcommand and its options to the application.

#include <CLI/CLI.hpp>

namespace trm::apps {

void add_train_command(CLI::App& app);
void add_refine_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_data_command(CLI::App& app);
void add_test_command(CLI::App& app);
void add_report_command(CLI::App& app);

/// Sets up logging and the intra-op thread count (0 = all cores).
void init_runtime(const std::string& log_level, int threads);

}  // namespace trm::apps
