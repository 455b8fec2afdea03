#pragma once
// Draws from std::mt19937_64 with a fixed mapping from engine output to value,
// so that the fault model and the default-data generator give the same result
// for a seed on every standard library (the std distributions do not promise
// that).

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace trm::tasks::function_call {

/// Draws a uniform index in [0, n); `n` must be positive. The modulo bias is
/// below n / 2^64, negligible for the small n used here.
inline std::size_t draw_index(std::mt19937_64& rng, std::size_t n) {
  return static_cast<std::size_t>(rng() % n);
}

/// Draws a uniform double in [0, 1) from the top 53 bits of one engine output.
inline double draw_unit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

/// Draws an integer in [low, high]; requires low <= high.
inline std::int64_t draw_between(std::mt19937_64& rng, std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(draw_index(rng, static_cast<std::size_t>(high - low + 1)));
}

/// Draws one element of a non-empty vector.
template <typename T>
const T& draw_element(std::mt19937_64& rng, const std::vector<T>& values) {
  return values[draw_index(rng, values.size())];
}

}  // namespace trm::tasks::function_call
