#include "checks/format.h"
#include "memwatch/units.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

namespace memwatch::checks {
namespace {

// "4.0" -> "4", keeps "4.5".
std::string OneDecimal(double v) {
  std::string s = fmt::format("{:.1f}", v);
  if (s.size() >= 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

}  // namespace

std::string FormatUtcTime(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return fmt::format("{} (Unix time)", unix_seconds);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min);
}

std::string FormatNumber(double v) {
  if (std::fabs(v) >= 10) return fmt::format("{:.0f}", v);
  return OneDecimal(v);
}

std::string FormatBytes(int64_t bytes) {
  static constexpr std::array<std::string_view, 6> kUnits{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  const char* sign = bytes < 0 ? "-" : "";
  // Work in double: the magnitude of INT64_MIN does not fit an int64.
  double v = std::fabs(static_cast<double>(bytes));
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < kUnits.size()) {
    v /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{}{:.0f} B", sign, v);
  // 1023.96 KiB would print as "1024 KiB": move to the next unit instead.
  if (v >= 1023.95 && unit + 1 < kUnits.size()) {
    v /= 1024;
    ++unit;
  }
  std::string number = v >= 100 ? fmt::format("{:.0f}", v) : OneDecimal(v);
  return fmt::format("{}{} {}", sign, number, kUnits[unit]);
}

std::string FormatDuration(double seconds) {
  if (std::isinf(seconds) && seconds > 0) return "never";
  if (std::isnan(seconds)) return "unknown";
  const char* sign = seconds < 0 ? "-" : "";
  const int64_t s = std::llround(std::fabs(seconds));
  if (s < 60) return fmt::format("{}{} s", sign, s);
  const int64_t minutes = (s + 30) / 60;
  if (minutes < 60) return fmt::format("{}{} min", sign, minutes);
  if (minutes < int64_t{24} * 60) {
    const int64_t h = minutes / 60, m = minutes % 60;
    return m == 0 ? fmt::format("{}{} h", sign, h) : fmt::format("{}{} h {} min", sign, h, m);
  }
  const int64_t hours = (minutes + 30) / 60;
  const int64_t d = hours / 24, h = hours % 24;
  return h == 0 ? fmt::format("{}{} d", sign, d) : fmt::format("{}{} d {} h", sign, d, h);
}

std::string FormatPercent(double fraction) { return OneDecimal(fraction * 100) + "%"; }

std::string FormatCount(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -(n + 1) + 1ULL : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatCountRate(double per_second, std::string_view noun) {
  const double a = std::fabs(per_second);
  if (a >= 1) return fmt::format("{} {}/s", FormatNumber(per_second), noun);
  if (a * 60 >= 1) return fmt::format("{} {}/min", FormatNumber(per_second * 60), noun);
  return fmt::format("{} {}/h", FormatNumber(per_second * 3600), noun);
}

std::string FormatByteRate(double bytes_per_second) {
  const double per_hour = bytes_per_second * 3600;
  if (std::fabs(per_hour) < kGiB) return FormatBytes(std::llround(per_hour)) + "/h";
  const double per_minute = bytes_per_second * 60;
  if (std::fabs(per_minute) < kGiB) return FormatBytes(std::llround(per_minute)) + "/min";
  return FormatBytes(std::llround(bytes_per_second)) + "/s";
}

}  // namespace memwatch::checks
