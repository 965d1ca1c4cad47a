// What the check engine knows about a target besides its INFO replies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace memwatch::checks {

struct TargetInfo {
  std::string name;
  std::optional<int64_t> memory_limit;  // bytes, from config
};

}  // namespace memwatch::checks
