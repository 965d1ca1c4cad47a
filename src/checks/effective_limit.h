// Which limit a target's memory use is measured against.
#pragma once

#include <cstdint>
#include <optional>

#include "memwatch/effective_limit.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// maxmemory when set (> 0), else `memory_limit` (from config) when set,
// else total_system_memory when known; nullopt when none is.
std::optional<EffectiveLimit> ComputeEffectiveLimit(const Snapshot& s,
                                                    std::optional<int64_t> memory_limit);

}  // namespace memwatch::checks
