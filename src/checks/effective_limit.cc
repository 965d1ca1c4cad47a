#include "checks/effective_limit.h"

namespace memwatch::checks {

// maxmemory is what Redis itself enforces, so it wins when set. Without it
// the process grows until the container (memory_limit, which only the
// operator knows) or the host (total_system_memory) stops it.
std::optional<EffectiveLimit> ComputeEffectiveLimit(const Snapshot& s,
                                                    std::optional<int64_t> memory_limit) {
  if (s.maxmemory.has_value() && *s.maxmemory > 0) return EffectiveLimit{*s.maxmemory, "maxmemory"};
  if (memory_limit.has_value() && *memory_limit > 0) {
    return EffectiveLimit{*memory_limit, "memory_limit"};
  }
  if (s.total_system_memory.has_value() && *s.total_system_memory > 0) {
    return EffectiveLimit{*s.total_system_memory, "total_system_memory"};
  }
  return std::nullopt;
}

}  // namespace memwatch::checks
