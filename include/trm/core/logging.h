#pragma once
// Logging set-up. Every message starts with a component tag such as
// `[train]`, `[refine]`, `[eval]` or `[config]`.

#include <string>

namespace trm::core {

/// Configures the default spdlog logger once: pattern `time level message`
/// on stderr. `level` is a spdlog level name (`info`, `debug`, ...). Later
/// calls only change the level.
void init_logging(const std::string& level = "info");

/// Adds a file sink (appending) to the default logger, e.g. `<run>/train.log`.
void add_log_file(const std::string& path);

}  // namespace trm::core
