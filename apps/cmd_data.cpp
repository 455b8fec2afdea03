// `trm data`: make and prepare function-call data sets.

#include "commands.h"

#include "trm/core/jsonl.h"
#include "trm/tasks/function_call/faults.h"
#include "trm/tasks/function_call/generator.h"
#include "trm/tasks/function_call/task.h"
#include "trm/tasks/sudoku/task.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <filesystem>
#include <map>

namespace trm::apps {
namespace fc = tasks::function_call;
namespace {

struct GenerateArgs {
  std::string out_dir;
  std::uint64_t seed = 1;
  int train_records = fc::GeneratorOptions{}.train_records;
  int dev_records = fc::GeneratorOptions{}.dev_records;
};

struct SelectArgs {
  std::string input;
  std::string output;
  std::string split;
};

struct SudokuArgs {
  std::string out_dir;
  int train_puzzles = tasks::sudoku::SudokuConfig{}.train_puzzles;
  int test_puzzles = tasks::sudoku::SudokuConfig{}.dev_puzzles;
  tasks::sudoku::SudokuConfig config;
};

struct CorruptArgs {
  std::string input;
  std::string output;
  std::string config;
  std::string split;
  std::uint64_t seed = 1234;
};

void run_generate(const GenerateArgs& args) {
  init_runtime("info", 1);
  fc::GeneratorOptions options;
  options.seed = args.seed;
  options.train_records = args.train_records;
  options.dev_records = args.dev_records;
  if (options.train_records < 0 || options.dev_records < 0) {
    throw std::invalid_argument("--train and --dev: must be >= 0");
  }
  std::filesystem::create_directories(args.out_dir);
  std::map<std::string, std::unique_ptr<core::AtomicJsonlWriter>> writers;
  std::map<std::string, int> counts;
  for (const auto& record : fc::generate_default_records(options)) {
    auto& writer = writers[record.split];
    if (!writer) writer = std::make_unique<core::AtomicJsonlWriter>(args.out_dir + "/" + record.split + ".jsonl");
    writer->write(fc::record_to_json(record));
    ++counts[record.split];
  }
  for (auto& [split, writer] : writers) {
    writer->commit();
    spdlog::info("[data] wrote {} {} records to {}/{}.jsonl", counts[split], split, args.out_dir, split);
  }
}

void write_sudoku_split(const std::vector<tasks::sudoku::SudokuRecord>& records, const std::string& path) {
  core::AtomicJsonlWriter writer(path);
  int64_t givens = 0;
  std::vector<int64_t> backtracks;
  for (const auto& record : records) {
    writer.write(nlohmann::json::parse(tasks::sudoku::record_to_json_line(record)));
    givens += tasks::sudoku::count_givens(record.puzzle);
    backtracks.push_back(record.backtracks);
  }
  writer.commit();
  std::sort(backtracks.begin(), backtracks.end());
  const auto percentile = [&](double p) { return backtracks[static_cast<std::size_t>(p * (backtracks.size() - 1))]; };
  spdlog::info("[data] wrote {} puzzles to {}: mean givens {:.1f}, plain-solver dead ends median {}, p90 {}, max {}",
               records.size(), path, static_cast<double>(givens) / records.size(), percentile(0.5), percentile(0.9),
               backtracks.back());
}

void run_sudoku(SudokuArgs args) {
  init_runtime("info", 1);
  args.config.train_puzzles = args.train_puzzles;
  args.config.dev_puzzles = args.test_puzzles;
  args.config.validate("sudoku");
  std::filesystem::create_directories(args.out_dir);
  const auto options = args.config.generator_options();
  // The same streams as `data.train: [default]` and `data.dev: [default]` of the Sudoku task.
  const auto train = tasks::sudoku::generate_records(args.config.train_puzzles, options, args.config.seed, "train");
  write_sudoku_split(train, args.out_dir + "/train.jsonl");
  const auto test = tasks::sudoku::generate_records(args.config.dev_puzzles, options,
                                                    tasks::sudoku::dev_stream_seed(args.config.seed), "dev", train);
  write_sudoku_split(test, args.out_dir + "/test.jsonl");
}

// Reads the fault-model settings from a YAML file: either a top-level
// `faults` mapping or a run config's `task.faults`.
fc::FaultConfig load_fault_config(const std::string& path) {
  if (path.empty()) return fc::FaultConfig{};
  YAML::Node root = YAML::LoadFile(path);
  YAML::Node faults = root["faults"];
  std::string where = "faults";
  if (!faults && root["task"] && root["task"]["faults"]) {
    faults = root["task"]["faults"];
    where = "task.faults";
  }
  if (!faults) throw std::invalid_argument(path + ": no 'faults' or 'task.faults' mapping");
  auto config = fc::FaultConfig::from_yaml(core::YamlFields(faults, where));
  config.validate(where);
  return config;
}

void run_corrupt(const CorruptArgs& args) {
  init_runtime("info", 1);
  const fc::FaultModel faults(load_fault_config(args.config));
  auto records = fc::load_records({args.input}, args.split);
  const auto with_gold = std::count_if(records.begin(), records.end(), [](const fc::Record& r) { return r.gold.has_value(); });
  records = fc::corrupt_records(std::move(records), faults, args.seed);

  std::map<std::string, int> fault_counts;
  core::AtomicJsonlWriter writer(args.output);
  for (const auto& record : records) {
    writer.write(fc::record_to_json(record));
    if (record.faults.empty()) ++fault_counts["clean"];
    for (const auto& fault : record.faults) ++fault_counts[fault];
  }
  writer.commit();
  spdlog::info("[data] corrupted {} of {} records (seed {}) -> {}", with_gold, records.size(), args.seed, args.output);
  for (const auto& [fault, count] : fault_counts) spdlog::info("[data]   {:<22} {}", fault, count);
}

// BFCL ids end in `_<n>` or `_<n>-<n>-<n>`; what precedes is the category.
std::string category_from_bfcl_id(const std::string& bfcl_id) {
  auto end = bfcl_id.size();
  while (end > 0 && (std::isdigit(static_cast<unsigned char>(bfcl_id[end - 1])) || bfcl_id[end - 1] == '-')) --end;
  if (end == 0 || end == bfcl_id.size() || bfcl_id[end - 1] != '_') return "";
  return bfcl_id.substr(0, end - 1);
}

void run_select(const SelectArgs& args) {
  init_runtime("info", 1);
  core::JsonlReader reader(args.input);
  core::AtomicJsonlWriter writer(args.output);
  int kept = 0;
  int categories_added = 0;
  while (auto line = reader.next()) {
    const std::string where = args.input + ":" + std::to_string(line->line);
    if (!line->value) throw std::invalid_argument(where + ": " + line->error);
    auto record = fc::parse_record(*line->value, where);
    if (!args.split.empty() && record.split != args.split) continue;
    if (record.category.empty() && record.raw.contains("bfcl_id") && record.raw["bfcl_id"].is_string()) {
      record.category = category_from_bfcl_id(record.raw["bfcl_id"].get<std::string>());
      if (!record.category.empty()) ++categories_added;
    }
    writer.write(fc::record_to_json(record));
    ++kept;
  }
  writer.commit();
  spdlog::info("[data] selected {} records -> {} ({} categories taken from bfcl_id)", kept, args.output,
               categories_added);
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto* command = app.add_subcommand("data", "Make data: the default function-call set, simulated base-output faults, Sudoku puzzles.");
  command->require_subcommand(1);

  auto generate = std::make_shared<GenerateArgs>();
  auto* generate_command = command->add_subcommand("generate", "Write the embedded default data set as JSONL.");
  generate_command->add_option("--out-dir", generate->out_dir, "Folder for train.jsonl and dev.jsonl.")->required();
  generate_command->add_option("--seed", generate->seed, "Generator seed (default 1).");
  generate_command->add_option("--train", generate->train_records, "Training records (default 2000).");
  generate_command->add_option("--dev", generate->dev_records, "Dev records (default 200).");
  generate_command->callback([generate] { run_generate(*generate); });

  auto select = std::make_shared<SelectArgs>();
  auto* select_command = command->add_subcommand(
      "select", "Copy the records of one split, adding 'category' from 'bfcl_id' where it is missing.");
  select_command->add_option("--input", select->input, "Input JSONL records.")->required()->check(CLI::ExistingFile);
  select_command->add_option("--output", select->output, "Output JSONL.")->required();
  select_command->add_option("--split", select->split, "Keep only records of this split (default: all).");
  select_command->callback([select] { run_select(*select); });

  auto sudoku = std::make_shared<SudokuArgs>();
  auto* sudoku_command = command->add_subcommand(
      "sudoku", "Generate 9x9 Sudoku puzzles with unique solutions (train.jsonl and test.jsonl).");
  sudoku_command->add_option("--out-dir", sudoku->out_dir, "Folder for train.jsonl and test.jsonl.")->required();
  sudoku_command->add_option("--train", sudoku->train_puzzles, "Training puzzles (default 1000).");
  sudoku_command->add_option("--test", sudoku->test_puzzles, "Test puzzles, disjoint from training (default 1000).");
  sudoku_command->add_option("--min-givens", sudoku->config.min_givens, "Fewest givens (default 30).");
  sudoku_command->add_option("--max-givens", sudoku->config.max_givens, "Most givens (default 36).");
  sudoku_command->add_option("--min-backtracks", sudoku->config.min_backtracks,
                             "Fewest plain-solver dead ends (default 0).");
  sudoku_command->add_option("--max-backtracks", sudoku->config.max_backtracks,
                             "Most plain-solver dead ends (default -1: no bound).");
  sudoku_command->add_option("--seed", sudoku->config.seed, "Generator seed (default 7, as task.sudoku.seed).");
  sudoku_command->callback([sudoku] { run_sudoku(*sudoku); });

  auto corrupt = std::make_shared<CorruptArgs>();
  auto* corrupt_command =
      command->add_subcommand("corrupt", "Simulate broken base outputs from gold calls, labelled with their faults.");
  corrupt_command->add_option("--input", corrupt->input, "Input JSONL records with gold, or 'default'.")->required();
  corrupt_command->add_option("--output", corrupt->output, "Output JSONL with base_output and faults.")->required();
  corrupt_command->add_option("--seed", corrupt->seed, "Fault seed (default 1234).");
  corrupt_command->add_option("--split", corrupt->split, "Keep only records of this split (default: all).");
  corrupt_command->add_option("--config", corrupt->config,
                              "YAML with a 'faults' mapping, or a run config with 'task.faults' (default rates otherwise).");
  corrupt_command->callback([corrupt] { run_corrupt(*corrupt); });
}

}  // namespace trm::apps
