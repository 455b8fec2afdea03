#pragma once
// The Sudoku task of the TRM paper: 81 cells in row-major order, one token
// per cell. Layout as in the reference: PAD = 0 (unused), blank = 1, digit d
// = d + 1. Labels are the solution's tokens at all 81 cells.

#include "trm/core/config.h"
#include "trm/tasks/sudoku/grid.h"
#include "trm/tasks/task.h"

#include <string>
#include <vector>

namespace trm::tasks::sudoku {

/// Token ids of the layout.
struct CellTokens {
  static constexpr int32_t kPad = 0;
  static constexpr int32_t kBlank = 1;
  static constexpr int kVocabSize = 11;
  static int32_t digit(int d) { return d + 1; }
};

/// Settings of the task (YAML mapping `task.sudoku`).
struct SudokuConfig {
  /// Puzzles generated for `data.train: [default]`.
  int train_puzzles = 1000;
  /// Puzzles generated for `data.dev: [default]`, disjoint from the training ones.
  int dev_puzzles = 1000;
  /// Difficulty of generated puzzles: givens drawn from [min_givens, max_givens].
  int min_givens = 30;
  int max_givens = 36;
  /// Accepted plain-solver dead ends (max_backtracks < 0: no bound).
  int64_t min_backtracks = 0;
  int64_t max_backtracks = -1;
  /// Seed of the generated puzzles (training and dev draw from different streams).
  std::uint64_t seed = 7;
  /// Apply a fresh random symmetry transform to every training example.
  bool augment = true;

  /// Reads the mapping at `fields` and rejects unknown keys.
  static SudokuConfig from_yaml(core::YamlFields fields);
  /// Throws std::invalid_argument naming the key, the rule and the value.
  void validate(const std::string& path = "task.sudoku") const;
  GeneratorOptions generator_options() const;
};

/// One puzzle record of a JSONL file: `{"id", "puzzle", "solution"}` with
/// 81-character grids; `givens` and `backtracks` are informative.
struct SudokuRecord {
  std::string id;
  Grid puzzle{};
  Grid solution{};
  int64_t backtracks = -1;
};

/// Generates `count` puzzles from `seed`, skipping any whose puzzle appears in `exclude`.
std::vector<SudokuRecord> generate_records(int count, const GeneratorOptions& options, std::uint64_t seed,
                                           const std::string& id_prefix,
                                           const std::vector<SudokuRecord>& exclude = {});

/// Seed of the dev (test) stream derived from the task seed, so that it differs from the training stream.
std::uint64_t dev_stream_seed(std::uint64_t seed);

/// Reads records from JSONL files or glob patterns. Throws
/// std::invalid_argument naming `path:line`, the field and the rule for a
/// bad record (missing field, bad grid, or a solution that does not solve the puzzle).
std::vector<SudokuRecord> load_records(const std::vector<std::string>& sources);

/// The JSON object of one record.
std::string record_to_json_line(const SudokuRecord& record);

/// The example of a puzzle and its solution.
Example encode(const Grid& puzzle, const Grid& solution);

/// The Sudoku task behind the Task interface.
class SudokuTask : public Task {
 public:
  SudokuTask(const core::TaskConfig& task, const core::DataConfig& data);

  std::string name() const override { return "sudoku"; }
  int vocab_size() const override { return CellTokens::kVocabSize; }
  int seq_len() const override { return 81; }
  std::size_t num_train() const override { return train_.size(); }
  Example train_example(std::size_t index, std::mt19937_64& rng) const override;
  const std::vector<Example>& dev_examples() const override { return dev_; }
  std::string describe_prediction(const std::vector<int32_t>& tokens) const override;

  const SudokuConfig& config() const { return config_; }

 private:
  SudokuConfig config_;
  std::vector<SudokuRecord> train_;
  std::vector<Example> dev_;
};

}  // namespace trm::tasks::sudoku
