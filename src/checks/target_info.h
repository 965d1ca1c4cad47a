// What the check engine knows about a target besides its INFO replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "memwatch/provider.h"

namespace memwatch::checks {

struct TargetInfo {
  std::string name;
  std::optional<int64_t> memory_limit;  // bytes, from config
  std::optional<Provider> provider;     // from config; nullopt: auto (from INFO)
};

}  // namespace memwatch::checks
