// Arithmetic that saturates instead of overflowing. A hostile or broken
// server may report counters near INT64_MAX: a sum pinned at the maximum
// still reads as "very many" to a check, while a wrapped one would read as
// negative (and overflow is undefined behaviour besides).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace memwatch {

// a + b, or the int64 bound it would have passed.
constexpr int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

// v clamped to the range of the narrower integer type T (for an unsigned
// T, a negative v becomes 0).
template <typename T>
constexpr T SaturatingCast(int64_t v) {
  static_assert(std::numeric_limits<T>::is_integer && sizeof(T) < sizeof(int64_t));
  return static_cast<T>(
      std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

}  // namespace memwatch
