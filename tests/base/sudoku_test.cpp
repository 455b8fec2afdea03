#include "trm/tasks/sudoku/grid.h"
#include "trm/tasks/sudoku/task.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace {

namespace sd = trm::tasks::sudoku;

// A classic puzzle with one solution (30 givens).
const char* kPuzzle = "530070000600195000098000060800060003400803001700020006060000280000419005000080079";
const char* kSolution = "534678912672195348198342567859761423426853791713924856961537284287419635345286179";

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("trm_sudoku_test_" + name)).string();
}

TEST(SudokuGridTest, ParsesDotsAndZerosAndFormatsBack) {
  const auto grid = sd::parse_grid(std::string(kPuzzle));
  EXPECT_EQ(grid[0], 5);
  EXPECT_EQ(grid[2], 0);
  EXPECT_EQ(sd::count_givens(grid), 30);
  std::string dotted(kPuzzle);
  for (auto& ch : dotted) ch = ch == '0' ? '.' : ch;
  EXPECT_EQ(sd::parse_grid(dotted), grid);
  EXPECT_EQ(sd::format_grid(grid), kPuzzle);
}

TEST(SudokuGridTest, RejectsBadCharacterNamingItsPosition) {
  std::string text(kPuzzle);
  text[4] = 'x';
  try {
    sd::parse_grid(text);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("character 5 is 'x'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sd::parse_grid(text.substr(0, 80)), std::invalid_argument);
}

TEST(SudokuGridTest, CountsSolutions) {
  const auto puzzle = sd::parse_grid(kPuzzle);
  const auto result = sd::count_solutions(puzzle, 2);
  EXPECT_EQ(result.solutions, 1);
  EXPECT_EQ(sd::format_grid(result.solution), kSolution);
  EXPECT_EQ(sd::count_solutions(sd::Grid{}, 2).solutions, 2);  // the empty grid has many

  auto broken = puzzle;
  broken[2] = 5;  // a second 5 in the first row
  EXPECT_FALSE(sd::is_consistent(broken));
  EXPECT_EQ(sd::count_solutions(broken, 2).solutions, 0);
}

TEST(SudokuGridTest, SolvesChecksGivensAndCompleteness) {
  const auto puzzle = sd::parse_grid(kPuzzle);
  const auto solution = sd::parse_grid(kSolution);
  EXPECT_TRUE(sd::solves(puzzle, solution));
  auto incomplete = solution;
  incomplete[80] = 0;
  EXPECT_FALSE(sd::solves(puzzle, incomplete));
  auto other_puzzle = puzzle;
  other_puzzle[2] = solution[3];  // a given the solution does not keep
  EXPECT_FALSE(sd::solves(other_puzzle, solution));
}

TEST(SudokuGridTest, PlainBacktracksGrowWithBlanks) {
  const auto solution = sd::parse_grid(kSolution);
  EXPECT_EQ(sd::plain_backtracks(solution), 0);
  auto one_blank = solution;
  one_blank[40] = 0;
  EXPECT_EQ(sd::plain_backtracks(one_blank), 0);
  const auto puzzle = sd::parse_grid(kPuzzle);
  EXPECT_GT(sd::plain_backtracks(puzzle), 0);
  EXPECT_EQ(sd::plain_backtracks(puzzle, 3), 3);  // capped
}

TEST(SudokuGridTest, GeneratorMeetsTheDifficultyOptions) {
  std::mt19937_64 rng(11);
  sd::GeneratorOptions options;
  options.min_givens = 28;
  options.max_givens = 32;
  options.min_backtracks = 10;
  for (int i = 0; i < 20; ++i) {
    const auto puzzle = sd::generate_puzzle(rng, options);
    EXPECT_GE(puzzle.givens, 28);
    EXPECT_LE(puzzle.givens, 32);
    EXPECT_EQ(sd::count_givens(puzzle.puzzle), puzzle.givens);
    EXPECT_GE(puzzle.backtracks, 10);
    EXPECT_EQ(sd::plain_backtracks(puzzle.puzzle), puzzle.backtracks);
    EXPECT_TRUE(sd::solves(puzzle.puzzle, puzzle.solution));
    EXPECT_EQ(sd::count_solutions(puzzle.puzzle, 2).solutions, 1);
  }
}

TEST(SudokuGridTest, GeneratorRejectsImpossibleGivens) {
  std::mt19937_64 rng(1);
  sd::GeneratorOptions options;
  options.min_givens = 12;
  EXPECT_THROW(sd::generate_puzzle(rng, options), std::invalid_argument);
}

TEST(SudokuGridTest, TransformsKeepPuzzlesValid) {
  const auto puzzle = sd::parse_grid(kPuzzle);
  const auto solution = sd::parse_grid(kSolution);
  EXPECT_EQ(sd::Transform::identity().apply(puzzle), puzzle);

  std::mt19937_64 rng(5);
  std::set<std::string> seen;
  bool saw_transpose = false;
  for (int i = 0; i < 50; ++i) {
    const auto transform = sd::Transform::random(rng);
    saw_transpose = saw_transpose || transform.transpose;
    const auto p = transform.apply(puzzle);
    const auto s = transform.apply(solution);
    EXPECT_EQ(sd::count_givens(p), 30);
    EXPECT_TRUE(sd::solves(p, s));
    EXPECT_EQ(sd::count_solutions(p, 2).solutions, 1);
    seen.insert(sd::format_grid(p));
  }
  EXPECT_TRUE(saw_transpose);
  EXPECT_GT(seen.size(), 45u);
}

TEST(SudokuTaskTest, EncodesTheReferenceLayout) {
  const auto example = sd::encode(sd::parse_grid(kPuzzle), sd::parse_grid(kSolution));
  ASSERT_EQ(example.inputs.size(), 81u);
  EXPECT_EQ(example.inputs[0], 6);  // digit 5
  EXPECT_EQ(example.inputs[2], sd::CellTokens::kBlank);
  EXPECT_EQ(example.labels[2], 5);  // the solution's 4
  for (int32_t label : example.labels) {
    EXPECT_GE(label, 2);
    EXPECT_LE(label, 10);
  }
}

TEST(SudokuTaskTest, DefaultDataIsGeneratedAndDevIsDisjoint) {
  trm::core::TaskConfig task;
  task.name = "sudoku";
  task.sudoku = YAML::Load("{train_puzzles: 30, dev_puzzles: 20, min_givens: 34, max_givens: 38, augment: false}");
  trm::core::DataConfig data;
  data.dev_max_records = 12;
  const sd::SudokuTask sudoku(task, data);
  EXPECT_EQ(sudoku.num_train(), 30u);
  ASSERT_EQ(sudoku.dev_examples().size(), 12u);
  std::set<std::vector<int32_t>> train_inputs;
  std::mt19937_64 rng(3);
  for (std::size_t i = 0; i < sudoku.num_train(); ++i) train_inputs.insert(sudoku.train_example(i, rng).inputs);
  for (const auto& example : sudoku.dev_examples()) {
    const auto givens = std::count_if(example.inputs.begin(), example.inputs.end(),
                                      [](int32_t t) { return t != sd::CellTokens::kBlank; });
    EXPECT_GE(givens, 34);
    EXPECT_LE(givens, 38);
    EXPECT_EQ(train_inputs.count(example.inputs), 0u);
  }
}

TEST(SudokuTaskTest, AugmentationGivesFreshVariants) {
  trm::core::TaskConfig task;
  task.name = "sudoku";
  task.sudoku = YAML::Load("{train_puzzles: 2, dev_puzzles: 1}");
  trm::core::DataConfig data;
  const sd::SudokuTask augmented(task, data);
  std::mt19937_64 rng(9);
  const auto first = augmented.train_example(0, rng);
  const auto second = augmented.train_example(0, rng);
  EXPECT_NE(first.inputs, second.inputs);

  task.sudoku["augment"] = false;
  const sd::SudokuTask plain(task, data);
  EXPECT_EQ(plain.train_example(0, rng).inputs, plain.train_example(0, rng).inputs);
}

TEST(SudokuTaskTest, ConfigRejectsUnknownKeysAndBadRanges) {
  trm::core::TaskConfig task;
  task.name = "sudoku";
  trm::core::DataConfig data;
  task.sudoku = YAML::Load("{train_puzzle: 10}");
  EXPECT_THROW(sd::SudokuTask(task, data), std::invalid_argument);
  task.sudoku = YAML::Load("{min_givens: 40, max_givens: 30}");
  try {
    sd::SudokuTask sudoku(task, data);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("task.sudoku.max_givens"), std::string::npos) << e.what();
  }
}

TEST(SudokuTaskTest, LoadsJsonlAndNamesTheBadLine) {
  const std::string path = temp_path("records.jsonl");
  {
    std::ofstream out(path);
    out << R"({"id": "a", "puzzle": ")" << kPuzzle << R"(", "solution": ")" << kSolution << "\"}\n";
    std::string wrong(kSolution);
    wrong[0] = '9';
    out << R"({"id": "b", "puzzle": ")" << kPuzzle << R"(", "solution": ")" << wrong << "\"}\n";
  }
  try {
    sd::load_records({path});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: field 'solution'"), std::string::npos) << e.what();
  }
  {
    std::ofstream out(path);
    out << R"({"id": "a", "puzzle": ")" << kPuzzle << R"(", "solution": ")" << kSolution << "\"}\n";
    out << R"({"id": "c", "puzzle": "12"})" << "\n";
  }
  try {
    sd::load_records({path});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: field 'puzzle' must have 81 cells"), std::string::npos)
        << e.what();
  }
  std::filesystem::remove(path);
}

TEST(SudokuTaskTest, RecordsRoundTripThroughJsonl) {
  const auto records = sd::generate_records(3, sd::GeneratorOptions{}, 4, "t");
  const std::string path = temp_path("roundtrip.jsonl");
  {
    std::ofstream out(path);
    for (const auto& record : records) out << sd::record_to_json_line(record) << "\n";
  }
  const auto loaded = sd::load_records({path});
  ASSERT_EQ(loaded.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(loaded[i].id, records[i].id);
    EXPECT_EQ(loaded[i].puzzle, records[i].puzzle);
    EXPECT_EQ(loaded[i].solution, records[i].solution);
    EXPECT_EQ(loaded[i].backtracks, records[i].backtracks);
  }
  std::filesystem::remove(path);
}

}  // namespace
