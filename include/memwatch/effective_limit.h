// The limit "% used" is measured against, as the check engine computed it
// (checks::ComputeEffectiveLimit) and metrics, doctor and fast polling
// report it. A value type of its own, so its readers need not include the
// check engine.
#pragma once

#include <cstdint>
#include <string_view>

namespace memwatch {

// maxmemory, else the container's limit (the configured memory_limit, else
// the one read from Redis's cgroup), else the host's total_system_memory.
// Never 0.
struct EffectiveLimit {
  int64_t bytes = 0;
  // "maxmemory" | "memory_limit" | "cgroup" | "total_system_memory"
  std::string_view source;
};

}  // namespace memwatch
