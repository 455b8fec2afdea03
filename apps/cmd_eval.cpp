// `trm eval`: format-validity report of a `trm refine` output file.

#include "commands.h"

#include "trm/core/jsonl.h"
#include "trm/eval/report.h"

#include <spdlog/spdlog.h>

#include <iostream>

namespace trm::apps {
namespace {

struct EvalArgs {
  std::string input;
  std::string report;
  std::string markdown;
};

void run_eval(const EvalArgs& args) {
  init_runtime("info", 1);
  const eval::Report report = eval::evaluate_file(args.input);
  const std::string markdown = report.to_markdown();
  if (!args.report.empty()) {
    core::write_file_atomic(args.report, report.to_json().dump(2) + "\n");
    spdlog::info("[eval] JSON report written to {}", args.report);
  }
  if (!args.markdown.empty()) {
    core::write_file_atomic(args.markdown, markdown);
    spdlog::info("[eval] Markdown report written to {}", args.markdown);
  }
  std::cout << markdown << std::flush;
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  auto* command = app.add_subcommand("eval", "Compare base and refined outputs: parse, schema and answer accuracy.");
  command->add_option("--input", args->input, "JSONL written by trm refine.")->required()->check(CLI::ExistingFile);
  command->add_option("--report", args->report, "Write the JSON report to this file.");
  command->add_option("--markdown", args->markdown, "Write the Markdown tables to this file (they also go to stdout).");
  command->callback([args] { run_eval(*args); });
}

}  // namespace trm::apps
