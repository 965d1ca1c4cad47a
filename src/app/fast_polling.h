// When to poll a target faster than `interval` (adaptive polling): while
// the next thing Redis may do is refuse writes, so that the first rejected
// write is seen within `fast_interval` rather than a whole interval. Pure.
#pragma once

#include <optional>
#include <vector>

#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"
#include "memwatch/snapshot.h"

namespace memwatch::app {

// Used share of the effective limit at or above which a target that
// cannot make room (noeviction, or eviction that frees nothing) is polled
// fast, and below which it goes back to the normal interval (hysteresis,
// so a target hovering at the threshold does not flip every poll).
inline constexpr double kFastPollingEnter = 0.90;
inline constexpr double kFastPollingLeave = 0.85;

// Returns true iff the target should be polled at the fast interval after
// this poll. `currently_fast` is the previous answer; `snapshot` is null
// when the poll failed (the mode is then kept: a failing target is retried
// on its backoff schedule anyway); `previous_used` is used_memory at the
// previous successful poll, if any; `findings` are the active ones.
//
// Fast while any of: writes are being rejected (oom_rejections), the
// memory trend reaches the limit soon (time_to_full critical), or used
// memory is near the limit, or will be at the next poll if it keeps growing
// as it did since the last one, and nothing will be evicted to make room
// (policy noeviction, or eviction_ineffective active) or what will be
// evicted includes keys that must never be (protected_keys_evictable). The projection
// matters when the last 10 % fills within one interval: without it the
// first rejection would be seen a whole interval late.
bool WantsFastPolling(bool currently_fast, const Snapshot* snapshot,
                      std::optional<int64_t> previous_used, std::optional<EffectiveLimit> limit,
                      const std::vector<Finding>& findings);

}  // namespace memwatch::app
