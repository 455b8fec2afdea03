#include "trm/tasks/sudoku/task.h"

#include "trm/core/jsonl.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <unordered_set>

namespace trm::tasks::sudoku {
namespace {

std::string grid_field(const nlohmann::json& value, const std::string& key, const std::string& where) {
  if (!value.contains(key)) throw std::invalid_argument(where + ": field '" + key + "' is missing");
  if (!value[key].is_string()) throw std::invalid_argument(where + ": field '" + key + "' must be a string");
  return value[key].get<std::string>();
}

SudokuRecord parse_record(const nlohmann::json& value, const std::string& where) {
  if (!value.is_object()) throw std::invalid_argument(where + ": a record must be a JSON object");
  SudokuRecord record;
  record.id = value.value("id", where);
  auto read_grid = [&](const std::string& key) {
    const std::string text = grid_field(value, key, where);
    try {
      return parse_grid(text);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": field '" + key + "' " + e.what());
    }
  };
  record.puzzle = read_grid("puzzle");
  record.solution = read_grid("solution");
  if (!solves(record.puzzle, record.solution)) {
    throw std::invalid_argument(where +
                                ": field 'solution' must be a complete, consistent grid that keeps every given "
                                "of 'puzzle'");
  }
  if (value.contains("backtracks") && value["backtracks"].is_number_integer()) {
    record.backtracks = value["backtracks"].get<int64_t>();
  }
  return record;
}

}  // namespace

// ==== SudokuConfig ====

SudokuConfig SudokuConfig::from_yaml(core::YamlFields fields) {
  SudokuConfig config;
  fields.read("train_puzzles", config.train_puzzles);
  fields.read("dev_puzzles", config.dev_puzzles);
  fields.read("min_givens", config.min_givens);
  fields.read("max_givens", config.max_givens);
  fields.read("min_backtracks", config.min_backtracks);
  fields.read("max_backtracks", config.max_backtracks);
  fields.read("seed", config.seed);
  fields.read("augment", config.augment);
  fields.finish();
  return config;
}

void SudokuConfig::validate(const std::string& path) const {
  auto reject = [&](const std::string& key, const std::string& rule, const std::string& value) {
    throw std::invalid_argument(core::config_error(path + "." + key, rule, value));
  };
  if (train_puzzles < 1) reject("train_puzzles", "must be >= 1", std::to_string(train_puzzles));
  if (dev_puzzles < 1) reject("dev_puzzles", "must be >= 1", std::to_string(dev_puzzles));
  if (min_givens < 17) reject("min_givens", "must be >= 17 (no 9x9 puzzle with fewer has a unique solution)",
                              std::to_string(min_givens));
  if (max_givens > 80) reject("max_givens", "must be <= 80", std::to_string(max_givens));
  if (max_givens < min_givens) {
    reject("max_givens", "must be >= min_givens (" + std::to_string(min_givens) + ")", std::to_string(max_givens));
  }
  if (min_backtracks < 0) reject("min_backtracks", "must be >= 0", std::to_string(min_backtracks));
  if (max_backtracks >= 0 && max_backtracks < min_backtracks) {
    reject("max_backtracks", "must be < 0 (no bound) or >= min_backtracks", std::to_string(max_backtracks));
  }
}

GeneratorOptions SudokuConfig::generator_options() const {
  GeneratorOptions options;
  options.min_givens = min_givens;
  options.max_givens = max_givens;
  options.min_backtracks = min_backtracks;
  options.max_backtracks = max_backtracks;
  return options;
}

// ==== Records ====

std::vector<SudokuRecord> generate_records(int count, const GeneratorOptions& options, std::uint64_t seed,
                                           const std::string& id_prefix, const std::vector<SudokuRecord>& exclude) {
  std::unordered_set<std::string> seen;
  for (const auto& record : exclude) seen.insert(format_grid(record.puzzle));
  std::mt19937_64 rng(seed);
  std::vector<SudokuRecord> records;
  records.reserve(static_cast<std::size_t>(count));
  while (static_cast<int>(records.size()) < count) {
    const Puzzle puzzle = generate_puzzle(rng, options);
    if (!seen.insert(format_grid(puzzle.puzzle)).second) continue;
    char id[64];
    std::snprintf(id, sizeof(id), "%s-%06zu", id_prefix.c_str(), records.size());
    records.push_back({id, puzzle.puzzle, puzzle.solution, puzzle.backtracks});
  }
  return records;
}

std::uint64_t dev_stream_seed(std::uint64_t seed) { return seed ^ 0x9E3779B97F4A7C15ULL; }

std::vector<SudokuRecord> load_records(const std::vector<std::string>& sources) {
  std::vector<SudokuRecord> records;
  for (const auto& source : sources) {
    for (const auto& path : core::expand_pattern(source)) {
      core::JsonlReader reader(path);
      while (auto line = reader.next()) {
        const std::string where = path + ":" + std::to_string(line->line);
        if (!line->value) throw std::invalid_argument(where + ": " + line->error);
        records.push_back(parse_record(*line->value, where));
      }
    }
  }
  return records;
}

std::string record_to_json_line(const SudokuRecord& record) {
  nlohmann::json value = {{"id", record.id},
                          {"puzzle", format_grid(record.puzzle)},
                          {"solution", format_grid(record.solution)},
                          {"givens", count_givens(record.puzzle)}};
  if (record.backtracks >= 0) value["backtracks"] = record.backtracks;
  return value.dump();
}

Example encode(const Grid& puzzle, const Grid& solution) {
  Example example;
  example.inputs.resize(81);
  example.labels.resize(81);
  for (int cell = 0; cell < 81; ++cell) {
    example.inputs[cell] = puzzle[cell] == 0 ? CellTokens::kBlank : CellTokens::digit(puzzle[cell]);
    example.labels[cell] = CellTokens::digit(solution[cell]);
  }
  return example;
}

// ==== SudokuTask ====

SudokuTask::SudokuTask(const core::TaskConfig& task, const core::DataConfig& data)
    : config_(SudokuConfig::from_yaml(core::YamlFields(task.sudoku, "task.sudoku"))) {
  config_.validate();
  const GeneratorOptions options = config_.generator_options();
  auto is_default = [](const std::vector<std::string>& sources) {
    return sources.size() == 1 && sources.front() == "default";
  };

  if (is_default(data.train)) {
    train_ = generate_records(config_.train_puzzles, options, config_.seed, "train");
  } else {
    train_ = load_records(data.train);
  }
  std::vector<SudokuRecord> dev_records;
  if (is_default(data.dev)) {
    // A separate stream; any puzzle that also occurs in training is skipped.
    dev_records = generate_records(config_.dev_puzzles, options, dev_stream_seed(config_.seed), "dev", train_);
  } else {
    dev_records = load_records(data.dev);
  }
  if (train_.empty()) throw std::invalid_argument("data.train: no Sudoku records");
  if (data.dev_max_records > 0 && dev_records.size() > static_cast<std::size_t>(data.dev_max_records)) {
    dev_records.resize(static_cast<std::size_t>(data.dev_max_records));
  }
  dev_.reserve(dev_records.size());
  for (const auto& record : dev_records) dev_.push_back(encode(record.puzzle, record.solution));
  spdlog::info("[sudoku] {} training puzzles, {} dev puzzles, augmentation {}", train_.size(), dev_.size(),
               config_.augment ? "on" : "off");
}

Example SudokuTask::train_example(std::size_t index, std::mt19937_64& rng) const {
  const auto& record = train_.at(index);
  if (!config_.augment) return encode(record.puzzle, record.solution);
  const Transform transform = Transform::random(rng);
  return encode(transform.apply(record.puzzle), transform.apply(record.solution));
}

std::string SudokuTask::describe_prediction(const std::vector<int32_t>& tokens) const {
  std::string text;
  for (int32_t token : tokens) text.push_back(token >= 2 && token <= 10 ? static_cast<char>('0' + token - 1) : '?');
  return text;
}

}  // namespace trm::tasks::sudoku
