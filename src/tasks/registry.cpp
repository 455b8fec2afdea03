#include "trm/tasks/registry.h"

#include "trm/tasks/function_call/task.h"
#include "trm/tasks/sudoku/task.h"

#include <stdexcept>

namespace trm::tasks {

std::unique_ptr<Task> make_task(const core::Config& config) {
  if (config.task.name == "function_call") {
    return std::make_unique<function_call::FunctionCallTask>(config.task, config.data);
  }
  if (config.task.name == "sudoku") return std::make_unique<sudoku::SudokuTask>(config.task, config.data);
  throw std::invalid_argument("task.name: must be one of function_call, sudoku, got '" + config.task.name + "'");
}

}  // namespace trm::tasks
