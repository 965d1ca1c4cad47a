#include "config/decimal.h"

#include <cassert>
#include <limits>

namespace memwatch::config {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<Decimal> ConsumeDecimal(std::string_view* text) {
  std::string_view s = *text;
  size_t i = 0;
  Decimal d;
  if (s.empty() || !IsDigit(s[0])) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    const uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (d.whole > (kMax - digit) / 10) {
      d.whole_overflow = true;
    } else {
      d.whole = d.whole * 10 + digit;
    }
  }
  if (i < s.size() && s[i] == '.') {
    if (i + 1 >= s.size() || !IsDigit(s[i + 1])) return std::nullopt;
    d.has_point = true;
    ++i;
    // Keep up to kMaxFractionDigits digits, then drop trailing zeros.
    int kept = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (kept < Decimal::kMaxFractionDigits) {
        d.fraction = d.fraction * 10 + static_cast<uint64_t>(s[i] - '0');
        ++kept;
      } else if (s[i] != '0') {
        d.fraction_truncated = true;
      }
    }
    while (kept > 0 && d.fraction % 10 == 0) {
      d.fraction /= 10;
      --kept;
    }
    d.fraction_digits = kept;
  }
  text->remove_prefix(i);
  return d;
}

std::optional<int64_t> ScaleDecimal(const Decimal& d, int64_t unit, bool* exact) {
  assert(unit > 0);
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const uint64_t u = static_cast<uint64_t>(unit);
  if (d.whole_overflow || d.whole > kMax / u) return std::nullopt;
  const uint64_t whole = d.whole * u;
  uint64_t pow10 = 1;
  for (int i = 0; i < d.fraction_digits; ++i) pow10 *= 10;
  // In 128 bits: fraction (< 10^6) times a TiB does not fit in 64.
  const unsigned __int128 scaled = static_cast<unsigned __int128>(d.fraction) * u;
  const uint64_t part = static_cast<uint64_t>(scaled / pow10);
  *exact = !d.fraction_truncated && scaled % pow10 == 0;
  if (part > kMax - whole) return std::nullopt;
  return static_cast<int64_t>(whole + part);
}

}  // namespace memwatch::config
