#pragma once
// Builds the task a config names.

#include "trm/core/config.h"
#include "trm/tasks/task.h"

#include <memory>

namespace trm::tasks {

/// Builds `config.task.name` with its data. Throws std::invalid_argument for
/// an unknown task name.
std::unique_ptr<Task> make_task(const core::Config& config);

}  // namespace trm::tasks
