#pragma once
// 9x9 Sudoku grids: solving, counting solutions, measuring hardness,
// generating puzzles with a unique solution, and the symmetry transforms
// used as augmentations. No dependency on tensors or the model.

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace trm::tasks::sudoku {

/// Cells in row-major order: 0 is blank, 1..9 are digits.
using Grid = std::array<int8_t, 81>;

/// Parses 81 characters: digits 1-9, and '0' or '.' for a blank. Throws
/// std::invalid_argument naming the offending character position.
Grid parse_grid(const std::string& text);
/// 81 characters with '0' for a blank.
std::string format_grid(const Grid& grid);

/// Number of non-blank cells.
int count_givens(const Grid& grid);
/// True when no row, column or box contains a digit twice (blanks allowed).
bool is_consistent(const Grid& grid);
/// True when `solution` is complete, consistent and agrees with every given of `puzzle`.
bool solves(const Grid& puzzle, const Grid& solution);

/// Result of a solution count.
struct SolveResult {
  /// Solutions found, stopping at the limit.
  int solutions = 0;
  /// The first solution found (valid when solutions >= 1).
  Grid solution{};
};

/// Counts solutions up to `limit` with a depth-first search that always
/// branches on the blank cell with the fewest candidates.
SolveResult count_solutions(const Grid& puzzle, int limit = 2);

/// Hardness: the number of dead ends a plain backtracking solver meets
/// before its first solution. The plain solver fills blanks in row-major
/// order and tries digits 1..9 in turn, with no propagation. Returns
/// `cap` when the search needs more (or the puzzle has no solution).
int64_t plain_backtracks(const Grid& puzzle, int64_t cap = 10'000'000);

/// Difficulty knobs of generated puzzles.
struct GeneratorOptions {
  /// Givens are drawn uniformly from [min_givens, max_givens].
  int min_givens = 30;
  int max_givens = 36;
  /// Accepted range of plain_backtracks (max < 0: no upper bound).
  int64_t min_backtracks = 0;
  int64_t max_backtracks = -1;
};

/// One generated puzzle with its unique solution and measured difficulty.
struct Puzzle {
  Grid puzzle{};
  Grid solution{};
  int givens = 0;
  int64_t backtracks = 0;
};

/// Generates one puzzle with a unique solution that meets `options`: a
/// random full grid, then cells blanked in random order while the solution
/// stays unique. Throws std::runtime_error when no puzzle meets the options
/// within a bounded number of attempts.
Puzzle generate_puzzle(std::mt19937_64& rng, const GeneratorOptions& options);

/// The symmetry group of Sudoku used for augmentation: a digit relabelling,
/// an optional transpose, and row and column reorderings that keep bands
/// and stacks together.
struct Transform {
  /// digit_map[d] for d = 1..9 (index 0 unused, keeps blank blank).
  std::array<int8_t, 10> digit_map{};
  bool transpose = false;
  /// Output row r reads input row row_order[r] (the same for columns).
  std::array<int8_t, 9> row_order{};
  std::array<int8_t, 9> col_order{};

  /// The identity transform.
  static Transform identity();
  /// A uniformly random transform: digit permutation, transpose with
  /// probability 0.5, band and stack permutations, and row and column
  /// permutations inside each band and stack.
  static Transform random(std::mt19937_64& rng);

  Grid apply(const Grid& grid) const;
};

}  // namespace trm::tasks::sudoku
