#include "config/config_error.h"

#include <fmt/format.h>

namespace memwatch::config {

std::string ConfigError::ToString() const {
  std::string out = line > 0 ? fmt::format("{}:{}:{}: ", file, line, column) : file + ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

std::string ErrorReport(const std::vector<ConfigError>& errors, size_t limit) {
  std::string out;
  for (size_t i = 0; i < errors.size() && i < limit; ++i) out += errors[i].ToString() + "\n";
  out += fmt::format("{} error(s) in the configuration", errors.size());
  if (errors.size() > limit) out += fmt::format(" (the first {} shown)", limit);
  return out + "\n";
}

}  // namespace memwatch::config
