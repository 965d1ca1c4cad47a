#include "checks/counters.h"

namespace memwatch::checks {

Counters CountersFrom(const Snapshot& s, MonoTime at) {
  Counters c;
  c.at = at;
  c.uptime_seconds = s.uptime_in_seconds;
  c.evicted_keys = s.evicted_keys;
  if (s.has_errorstats_section) {
    // The section lists only errors that happened: no OOM line means 0.
    auto it = s.errorstats.find("OOM");
    c.oom_errors = it == s.errorstats.end() ? 0 : it->second;
  }
  c.rejected_calls = s.commandstats_rejected_calls;
  return c;
}

std::optional<int64_t> CounterDelta(std::optional<int64_t> cur, std::optional<int64_t> prev) {
  if (!cur.has_value() || !prev.has_value() || *cur < *prev) return std::nullopt;
  return *cur - *prev;
}

}  // namespace memwatch::checks
