// Counter values of a successful poll (evictions, OOM errors, rejected
// calls) at full width, and safe differences between two polls.
#pragma once

#include <cstdint>
#include <optional>

#include "memwatch/clock.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// Counters of one successful poll at full width, kept by the engine for the
// previous poll only, so rate checks can take exact differences.
struct Counters {
  MonoTime at;
  std::optional<int64_t> uptime_seconds;
  std::optional<int64_t> evicted_keys;
  std::optional<int64_t> oom_errors;      // errorstats OOM; set iff that section was present
  std::optional<int64_t> rejected_calls;  // commandstats, summed over commands
};
Counters CountersFrom(const Snapshot& s, MonoTime at);

// cur - prev, or nullopt when either is unknown or the counter went down
// (Redis restarted or CONFIG RESETSTAT): a reset is never an increase.
std::optional<int64_t> CounterDelta(std::optional<int64_t> cur, std::optional<int64_t> prev);

}  // namespace memwatch::checks
