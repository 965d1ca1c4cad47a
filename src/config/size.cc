#include "config/size.h"

#include <cctype>
#include <string>

#include <fmt/format.h>

#include "config/decimal.h"
#include "memwatch/units.h"

namespace memwatch::config {
namespace {

constexpr std::string_view kExpected = "a size such as 4GiB, 512MiB or 1048576 (bytes)";

// Every spelling maps to a binary multiple: see the contract in size.h.
struct Unit {
  std::string_view name;  // lower case
  int64_t bytes;
};
constexpr Unit kUnits[] = {
    {"b", 1},
    {"k", kKiB},
    {"kb", kKiB},
    {"ki", kKiB},
    {"kib", kKiB},
    {"m", kKiB* kKiB},
    {"mb", kKiB* kKiB},
    {"mi", kKiB* kKiB},
    {"mib", kKiB* kKiB},
    {"g", kKiB* kKiB* kKiB},
    {"gb", kKiB* kKiB* kKiB},
    {"gi", kKiB* kKiB* kKiB},
    {"gib", kKiB* kKiB* kKiB},
    {"t", kKiB* kKiB* kKiB* kKiB},
    {"tb", kKiB* kKiB* kKiB* kKiB},
    {"ti", kKiB* kKiB* kKiB* kKiB},
    {"tib", kKiB* kKiB* kKiB* kKiB},
};

}  // namespace

Result<int64_t> ParseSize(std::string_view text) {
  if (text.empty()) return Status::Error(fmt::format("expected {}, got nothing", kExpected));
  if (text[0] == '-') {
    return Status::Error(fmt::format("a size cannot be negative, got '{}'", text));
  }
  std::string_view rest = text;
  std::optional<Decimal> number = ConsumeDecimal(&rest);
  if (!number) return Status::Error(fmt::format("expected {}, got '{}'", kExpected, text));
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  std::string unit_name(rest);
  for (char& c : unit_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  int64_t multiplier = 0;
  if (unit_name.empty() && rest.empty()) {
    if (number->has_point) {
      return Status::Error(fmt::format(
          "'{}' is not a whole number of bytes; add a unit (e.g. {}MiB) or drop the fraction", text,
          text));
    }
    multiplier = 1;
  }
  for (const Unit& u : kUnits) {
    if (u.name == unit_name) multiplier = u.bytes;
  }
  if (multiplier == 0) {
    return Status::Error(fmt::format(
        "unknown unit in '{}'; use B, KiB, MiB, GiB or TiB (k, kb, Ki work too)", text));
  }
  bool exact = true;  // a fraction of a byte is rounded down: nobody means it
  std::optional<int64_t> bytes = ScaleDecimal(*number, multiplier, &exact);
  if (!bytes) return Status::Error(fmt::format("size '{}' is too large", text));
  return *bytes;
}

}  // namespace memwatch::config
