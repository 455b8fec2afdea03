// `trm report`: one self-contained HTML page from an eval report, the refine
// output and its trace.

#include "commands.h"

#include "trm/core/jsonl.h"
#include "trm/eval/html_report.h"

#include <spdlog/spdlog.h>

namespace trm::apps {
namespace {

struct ReportArgs {
  std::string eval;
  std::string input;
  std::string trace;
  std::string output;
};

// The JSON values of a JSONL file; a line that is not JSON is an error naming it.
std::vector<nlohmann::json> read_values(const std::string& path) {
  std::vector<nlohmann::json> values;
  for (auto& line : core::read_jsonl(path)) {
    if (!line.value) throw std::invalid_argument(path + ":" + std::to_string(line.line) + ": " + line.error);
    values.push_back(std::move(*line.value));
  }
  return values;
}

void run_report(const ReportArgs& args) {
  init_runtime("info", 1);
  nlohmann::json eval_report;
  try {
    eval_report = nlohmann::json::parse(core::read_file(args.eval));
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(args.eval + ": not a JSON eval report (" + e.what() + ")");
  }
  if (!eval_report.contains("overall")) {
    throw std::invalid_argument(args.eval + ": field 'overall' is missing; pass the JSON written by trm eval --report");
  }
  const auto refine_lines = read_values(args.input);
  const auto trace = args.trace.empty() ? std::vector<nlohmann::json>{} : read_values(args.trace);
  core::write_file_atomic(args.output, eval::render_html_report(eval_report, refine_lines, trace));
  spdlog::info("[report] {} records, {} trace lines -> {}", refine_lines.size(), trace.size(), args.output);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* command = app.add_subcommand(
      "report", "Write one self-contained HTML page: base vs refined, accuracy by steps, faults, each record's steps.");
  command->add_option("--eval", args->eval, "Eval report (JSON) written by trm eval --report.")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--input", args->input, "The trm refine output the eval report was made from.")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--trace", args->trace, "The trace written by trm refine --trace (for the per-step parts).")
      ->check(CLI::ExistingFile);
  command->add_option("--output", args->output, "HTML file to write.")->required();
  command->callback([args] { run_report(*args); });
}

}  // namespace trm::apps
