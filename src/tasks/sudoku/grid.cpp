#include "trm/tasks/sudoku/grid.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace trm::tasks::sudoku {
namespace {

constexpr int kAllDigits = 0x3FE;  // bits 1..9

int box_of(int cell) { return (cell / 27) * 3 + (cell % 9) / 3; }

// Digits used per row, column and box, as bit sets over bits 1..9.
struct Occupancy {
  std::array<int, 9> rows{};
  std::array<int, 9> cols{};
  std::array<int, 9> boxes{};

  // False when a digit repeats in a unit.
  bool fill(const Grid& grid) {
    for (int cell = 0; cell < 81; ++cell) {
      if (grid[cell] == 0) continue;
      const int bit = 1 << grid[cell];
      const int r = cell / 9, c = cell % 9, b = box_of(cell);
      if ((rows[r] | cols[c] | boxes[b]) & bit) return false;
      rows[r] |= bit;
      cols[c] |= bit;
      boxes[b] |= bit;
    }
    return true;
  }
  int candidates(int cell) const { return kAllDigits & ~(rows[cell / 9] | cols[cell % 9] | boxes[box_of(cell)]); }
  void toggle(int cell, int digit) {
    const int bit = 1 << digit;
    rows[cell / 9] ^= bit;
    cols[cell % 9] ^= bit;
    boxes[box_of(cell)] ^= bit;
  }
};

int popcount(int bits) { return __builtin_popcount(static_cast<unsigned>(bits)); }

// Depth-first search on the most constrained blank. `order` permutes the
// digits tried (identity for counting, random for filling a fresh grid).
void search(Grid& grid, Occupancy& occupancy, int limit, const std::array<int, 9>& order, SolveResult& result) {
  int best_cell = -1;
  int best_count = 10;
  for (int cell = 0; cell < 81; ++cell) {
    if (grid[cell] != 0) continue;
    const int count = popcount(occupancy.candidates(cell));
    if (count < best_count) {
      best_cell = cell;
      best_count = count;
      if (count <= 1) break;
    }
  }
  if (best_cell < 0) {
    if (result.solutions++ == 0) result.solution = grid;
    return;
  }
  const int candidates = occupancy.candidates(best_cell);
  for (int digit : order) {
    if (!(candidates & (1 << digit))) continue;
    grid[best_cell] = static_cast<int8_t>(digit);
    occupancy.toggle(best_cell, digit);
    search(grid, occupancy, limit, order, result);
    occupancy.toggle(best_cell, digit);
    grid[best_cell] = 0;
    if (result.solutions >= limit) return;
  }
}

SolveResult solve_with_order(const Grid& puzzle, int limit, const std::array<int, 9>& order) {
  SolveResult result;
  Occupancy occupancy;
  if (!occupancy.fill(puzzle)) return result;
  Grid grid = puzzle;
  search(grid, occupancy, limit, order, result);
  return result;
}

constexpr std::array<int, 9> kDigitOrder = {1, 2, 3, 4, 5, 6, 7, 8, 9};

// A random order of three groups of three indices, each group kept together.
std::array<int8_t, 9> grouped_order(std::mt19937_64& rng) {
  std::array<int, 3> groups = {0, 1, 2};
  std::shuffle(groups.begin(), groups.end(), rng);
  std::array<int8_t, 9> order{};
  for (int g = 0; g < 3; ++g) {
    std::array<int, 3> inner = {0, 1, 2};
    std::shuffle(inner.begin(), inner.end(), rng);
    for (int i = 0; i < 3; ++i) order[g * 3 + i] = static_cast<int8_t>(groups[g] * 3 + inner[i]);
  }
  return order;
}

}  // namespace

Grid parse_grid(const std::string& text) {
  if (text.size() != 81) {
    throw std::invalid_argument("must have 81 cells, got " + std::to_string(text.size()) + " characters");
  }
  Grid grid{};
  for (int cell = 0; cell < 81; ++cell) {
    const char ch = text[cell];
    if (ch == '.' || ch == '0') {
      grid[cell] = 0;
    } else if (ch >= '1' && ch <= '9') {
      grid[cell] = static_cast<int8_t>(ch - '0');
    } else {
      throw std::invalid_argument("character " + std::to_string(cell + 1) + " is '" + std::string(1, ch) +
                                  "'; cells must be 1-9, or 0 or '.' for a blank");
    }
  }
  return grid;
}

std::string format_grid(const Grid& grid) {
  std::string text(81, '0');
  for (int cell = 0; cell < 81; ++cell) text[cell] = static_cast<char>('0' + grid[cell]);
  return text;
}

int count_givens(const Grid& grid) {
  return static_cast<int>(std::count_if(grid.begin(), grid.end(), [](int8_t v) { return v != 0; }));
}

bool is_consistent(const Grid& grid) {
  Occupancy occupancy;
  return occupancy.fill(grid);
}

bool solves(const Grid& puzzle, const Grid& solution) {
  if (count_givens(solution) != 81 || !is_consistent(solution)) return false;
  for (int cell = 0; cell < 81; ++cell) {
    if (puzzle[cell] != 0 && puzzle[cell] != solution[cell]) return false;
  }
  return true;
}

SolveResult count_solutions(const Grid& puzzle, int limit) { return solve_with_order(puzzle, limit, kDigitOrder); }

int64_t plain_backtracks(const Grid& puzzle, int64_t cap) {
  Occupancy occupancy;
  if (!occupancy.fill(puzzle)) return cap;
  std::vector<int> blanks;
  for (int cell = 0; cell < 81; ++cell) {
    if (puzzle[cell] == 0) blanks.push_back(cell);
  }
  // Iterative search: tried[i] is the last digit tried at blanks[i].
  std::vector<int> tried(blanks.size(), 0);
  int64_t dead_ends = 0;
  std::size_t depth = 0;
  while (depth < blanks.size()) {
    const int cell = blanks[depth];
    if (tried[depth] != 0) occupancy.toggle(cell, tried[depth]);
    const int candidates = occupancy.candidates(cell);
    int digit = tried[depth] + 1;
    while (digit <= 9 && !(candidates & (1 << digit))) ++digit;
    if (digit <= 9) {
      tried[depth] = digit;
      occupancy.toggle(cell, digit);
      ++depth;
      continue;
    }
    // No digit left here: a dead end; step back.
    tried[depth] = 0;
    if (++dead_ends >= cap || depth == 0) return cap;
    --depth;
  }
  return dead_ends;
}

Puzzle generate_puzzle(std::mt19937_64& rng, const GeneratorOptions& options) {
  if (options.min_givens < 17 || options.max_givens > 81 || options.min_givens > options.max_givens) {
    throw std::invalid_argument("givens range must satisfy 17 <= min_givens <= max_givens <= 81, got [" +
                                std::to_string(options.min_givens) + ", " + std::to_string(options.max_givens) +
                                "]");
  }
  constexpr int kAttempts = 2000;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    // 1. a random complete grid
    std::array<int, 9> order = kDigitOrder;
    std::shuffle(order.begin(), order.end(), rng);
    const Grid solution = solve_with_order(Grid{}, 1, order).solution;

    // 2. blank cells in random order while the solution stays unique
    const int target = std::uniform_int_distribution<int>(options.min_givens, options.max_givens)(rng);
    std::array<int, 81> cells{};
    std::iota(cells.begin(), cells.end(), 0);
    std::shuffle(cells.begin(), cells.end(), rng);
    Grid puzzle = solution;
    int givens = 81;
    for (int cell : cells) {
      if (givens == target) break;
      const int8_t kept = puzzle[cell];
      puzzle[cell] = 0;
      if (count_solutions(puzzle, 2).solutions == 1) {
        --givens;
      } else {
        puzzle[cell] = kept;
      }
    }
    if (givens != target) continue;

    // 3. keep it when its hardness is in range
    const int64_t cap = options.max_backtracks >= 0 ? options.max_backtracks + 1 : 10'000'000;
    const int64_t backtracks = plain_backtracks(puzzle, cap);
    if (backtracks < options.min_backtracks) continue;
    if (options.max_backtracks >= 0 && backtracks > options.max_backtracks) continue;
    return Puzzle{puzzle, solution, givens, backtracks};
  }
  throw std::runtime_error("no puzzle with " + std::to_string(options.min_givens) + "-" +
                           std::to_string(options.max_givens) + " givens and " +
                           std::to_string(options.min_backtracks) + ".." + std::to_string(options.max_backtracks) +
                           " backtracks in " + std::to_string(kAttempts) + " attempts; widen the ranges");
}

Transform Transform::identity() {
  Transform t;
  for (int d = 0; d < 10; ++d) t.digit_map[d] = static_cast<int8_t>(d);
  for (int i = 0; i < 9; ++i) t.row_order[i] = t.col_order[i] = static_cast<int8_t>(i);
  return t;
}

Transform Transform::random(std::mt19937_64& rng) {
  Transform t;
  std::array<int8_t, 9> digits = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::shuffle(digits.begin(), digits.end(), rng);
  t.digit_map[0] = 0;
  for (int d = 1; d <= 9; ++d) t.digit_map[d] = digits[d - 1];
  t.transpose = std::bernoulli_distribution(0.5)(rng);
  t.row_order = grouped_order(rng);
  t.col_order = grouped_order(rng);
  return t;
}

Grid Transform::apply(const Grid& grid) const {
  Grid out{};
  for (int r = 0; r < 9; ++r) {
    for (int c = 0; c < 9; ++c) {
      const int source_r = row_order[r];
      const int source_c = col_order[c];
      const int source = transpose ? source_c * 9 + source_r : source_r * 9 + source_c;
      out[r * 9 + c] = digit_map[grid[source]];
    }
  }
  return out;
}

}  // namespace trm::tasks::sudoku
