#include "config/duration.h"

#include <cstdint>
#include <iterator>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "config/decimal.h"

namespace memwatch::config {
namespace {

constexpr std::string_view kExpected = "a duration such as 500ms, 1s, 2m, 1h or 1m30s";

struct Unit {
  std::string_view name;
  int64_t millis;
};
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", int64_t{60} * 1000}, {"h", int64_t{60} * 60 * 1000}};

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Status Garbage(std::string_view text) {
  return Status::Error(fmt::format("expected {}, got '{}'", kExpected, text));
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return Status::Error(fmt::format("expected {}, got nothing", kExpected));
  if (text[0] == '-') {
    return Status::Error(fmt::format("a duration cannot be negative, got '{}'", text));
  }
  std::string_view rest = text;
  int64_t total = 0;
  while (!rest.empty()) {
    std::optional<Decimal> number = ConsumeDecimal(&rest);
    if (!number) return Garbage(text);
    size_t letters = 0;
    while (letters < rest.size() && IsLetter(rest[letters])) ++letters;
    const std::string_view unit_name = rest.substr(0, letters);
    rest.remove_prefix(letters);
    if (unit_name.empty()) {
      if (rest.empty() && total == 0 && text.find_first_not_of("0123456789.") == text.npos) {
        return Status::Error(fmt::format("'{}' has no unit; write {}s or {}ms", text, text, text));
      }
      return Garbage(text);
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit_name) unit = &u;
    }
    if (unit == nullptr) {
      return Status::Error(
          fmt::format("unknown unit '{}' in '{}'; use ms, s, m or h", unit_name, text));
    }
    bool exact = true;
    std::optional<int64_t> millis = ScaleDecimal(*number, unit->millis, &exact);
    if (!millis || *millis > std::numeric_limits<int64_t>::max() - total) {
      return Status::Error(fmt::format("duration '{}' is too large", text));
    }
    if (!exact) {
      return Status::Error(fmt::format("duration '{}' is finer than the 1ms resolution", text));
    }
    total += *millis;
  }
  return Duration(total);
}

std::string FormatDuration(Duration d) {
  const int64_t ms = d.count();
  if (ms == 0) return "0s";
  for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it) {
    if (ms % it->millis == 0) return fmt::format("{}{}", ms / it->millis, it->name);
  }
  return fmt::format("{}ms", ms);
}

}  // namespace memwatch::config
