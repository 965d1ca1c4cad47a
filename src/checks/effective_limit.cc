#include "checks/effective_limit.h"

namespace memwatch::checks {

// What the operator wrote wins over what the daemon found: a cgroup read
// through another mount, or a limit set outside the cgroup, is theirs to
// correct.
std::optional<EffectiveLimit> ContainerLimitOf(std::optional<int64_t> memory_limit,
                                               std::optional<int64_t> cgroup_limit) {
  if (memory_limit.has_value() && *memory_limit > 0) {
    return EffectiveLimit{*memory_limit, "memory_limit"};
  }
  if (cgroup_limit.has_value() && *cgroup_limit > 0) return EffectiveLimit{*cgroup_limit, "cgroup"};
  return std::nullopt;
}

// maxmemory is what Redis itself enforces, so it wins when set. Without it
// the process grows until the container (its limit) or the host
// (total_system_memory) stops it.
std::optional<EffectiveLimit> ComputeEffectiveLimit(const Snapshot& s,
                                                    std::optional<EffectiveLimit> container) {
  if (s.maxmemory.has_value() && *s.maxmemory > 0) return EffectiveLimit{*s.maxmemory, "maxmemory"};
  if (container.has_value()) return container;
  if (s.total_system_memory.has_value() && *s.total_system_memory > 0) {
    return EffectiveLimit{*s.total_system_memory, "total_system_memory"};
  }
  return std::nullopt;
}

}  // namespace memwatch::checks
