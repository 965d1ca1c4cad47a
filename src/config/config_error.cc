#include "config/config_error.h"

#include <fmt/format.h>

namespace memwatch::config {

std::string ConfigError::ToString() const {
  std::string out = line > 0 ? fmt::format("{}:{}:{}: ", file, line, column) : file + ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

}  // namespace memwatch::config
