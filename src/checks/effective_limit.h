// Which limit a target's memory use is measured against.
#pragma once

#include <cstdint>
#include <optional>

#include "memwatch/effective_limit.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// The container's limit: `memory_limit` (from config) when set, else
// `cgroup_limit` (read by the daemon from Redis's memory cgroup) when
// known; nullopt when neither is.
std::optional<EffectiveLimit> ContainerLimitOf(std::optional<int64_t> memory_limit,
                                               std::optional<int64_t> cgroup_limit);

// maxmemory when set (> 0), else the container's limit when known, else
// total_system_memory when known; nullopt when none is.
std::optional<EffectiveLimit> ComputeEffectiveLimit(const Snapshot& s,
                                                    std::optional<EffectiveLimit> container);

// True for a limit that is the container's (memory_limit or cgroup).
inline bool IsContainerLimit(const EffectiveLimit& limit) {
  return limit.source == "memory_limit" || limit.source == "cgroup";
}

}  // namespace memwatch::checks
