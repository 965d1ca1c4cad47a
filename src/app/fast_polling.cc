#include "app/fast_polling.h"

#include <algorithm>

namespace memwatch::app {
namespace {

bool Active(const std::vector<Finding>& findings, std::string_view check,
            Severity at_least = Severity::kInfo) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const Finding& f) { return f.check == check && f.severity >= at_least; });
}

}  // namespace

bool WantsFastPolling(bool currently_fast, const Snapshot* snapshot,
                      std::optional<int64_t> previous_used, std::optional<EffectiveLimit> limit,
                      const std::vector<Finding>& findings) {
  if (snapshot == nullptr) return currently_fast;
  if (Active(findings, "oom_rejections")) return true;
  if (Active(findings, "time_to_full", Severity::kCritical)) return true;
  const bool cannot_make_room =
      snapshot->maxmemory_policy == "noeviction" || Active(findings, "eviction_ineffective");
  // Near the limit such a policy starts evicting keys that must never be
  // evicted: protected_key_evicted should follow the first within a second.
  const bool evicts_protected = Active(findings, "protected_keys_evictable");
  if (!(cannot_make_room || evicts_protected) || !limit.has_value() || limit->bytes <= 0 ||
      !snapshot->used_memory.has_value()) {
    return false;
  }
  const auto share = [&](int64_t bytes) {
    return static_cast<double>(bytes) / static_cast<double>(limit->bytes);
  };
  const int64_t used = *snapshot->used_memory;
  if (currently_fast) return share(used) >= kFastPollingLeave;
  const int64_t growth =
      previous_used.has_value() && used > *previous_used ? used - *previous_used : 0;
  return share(used) >= kFastPollingEnter || share(used + growth) >= kFastPollingEnter;
}

}  // namespace memwatch::app
