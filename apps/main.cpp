// trm: train Tiny Recursive Models and refine base-model outputs with them.

#include "commands.h"

#include "trm/core/config.h"
#include "trm/core/logging.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <exception>

namespace trm::apps {

void init_runtime(const std::string& log_level, int threads) {
  core::init_logging(log_level);
  at::set_num_threads(core::resolve_threads(threads));
}

}  // namespace trm::apps

int main(int argc, char** argv) {
  CLI::App app{"trm: train Tiny Recursive Models and use them to repair the output of a base model"};
  app.require_subcommand(1);
  trm::apps::add_train_command(app);
  trm::apps::add_refine_command(app);
  trm::apps::add_eval_command(app);
  trm::apps::add_data_command(app);
  trm::apps::add_test_command(app);
  trm::apps::add_report_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    trm::core::init_logging("info");
    spdlog::error("{}", e.what());
    return 1;
  }
  return 0;
}
