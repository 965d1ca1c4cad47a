// The number part of durations and sizes ("1.5" in "1.5GiB"), read and
// scaled with integers only, so "0.1s" is exactly 100ms and overflow is
// detected instead of wrapping.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace memwatch::config {

struct Decimal {
  // Fraction digits kept; the sixth decimal place of an hour is 3.6ms and of
  // a TiB about 1MiB, so more digits never change a meaningful result.
  static constexpr int kMaxFractionDigits = 6;

  uint64_t whole = 0;
  uint64_t fraction = 0;            // digits after the point, trailing zeros dropped
  int fraction_digits = 0;          // number of digits in `fraction`
  bool fraction_truncated = false;  // non-zero digits past kMaxFractionDigits were dropped
  bool whole_overflow = false;      // the whole part does not fit in uint64
  bool has_point = false;           // a '.' was written, even as "4.0"
};

// Consumes `digits` or `digits.digits` from the front of *text. Returns
// nullopt, consuming nothing, when *text does not start with a digit or a
// '.' is not followed by a digit.
std::optional<Decimal> ConsumeDecimal(std::string_view* text);

// Returns d * unit rounded toward zero, or nullopt when it exceeds int64.
// Sets *exact to whether nothing was rounded away (truncated digits count as
// rounded). Requires unit > 0.
std::optional<int64_t> ScaleDecimal(const Decimal& d, int64_t unit, bool* exact);

}  // namespace memwatch::config
