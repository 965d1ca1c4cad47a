#include "checks/config_change.h"

#include <charconv>
#include <utility>

#include <fmt/format.h>

#include "memwatch/units.h"

namespace memwatch::checks {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t bytes;
};
constexpr Unit kUnits[] = {{"gb", kGiB}, {"mb", kMiB}, {"kb", kKiB}};

}  // namespace

ConfigChange SizeChange(std::string directive, int64_t bytes) {
  return ConfigChange{std::move(directive), RedisSizeArg(bytes), bytes};
}

std::string RedisSizeArg(int64_t bytes) {
  for (const Unit& u : kUnits) {
    if (bytes > 0 && bytes % u.bytes == 0) return fmt::format("{}{}", bytes / u.bytes, u.suffix);
  }
  return std::to_string(bytes);
}

std::optional<int64_t> ParseRedisSizeArg(std::string_view text) {
  int64_t scale = 1;
  for (const Unit& u : kUnits) {
    if (text.ends_with(u.suffix)) {
      scale = u.bytes;
      text.remove_suffix(u.suffix.size());
      break;
    }
  }
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || n < 0 ||
      n > INT64_MAX / scale) {
    return std::nullopt;
  }
  return n * scale;
}

}  // namespace memwatch::checks
