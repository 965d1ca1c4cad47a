// What the status page and /api/v1/status show of one target: a copy of
// the store's state taken under its lock, so rendering never holds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"
#include "metrics/keyspace_status.h"
#include "metrics/memory_history.h"

namespace memwatch::metrics {

// One failed poll, for the target's page.
struct PollError {
  double wall = 0;      // Unix time
  std::string reason;   // PollFailureName: "timeout", "tls", ...
  std::string message;  // for people; never a secret
};

struct TargetStatus {
  std::string name;
  bool polled = false;                      // at least one poll finished
  bool up = false;                          // the last poll succeeded
  std::optional<double> last_success_wall;  // Unix time
  std::optional<int64_t> used_memory;
  std::optional<EffectiveLimit> limit;
  std::optional<std::string> maxmemory_policy;
  std::optional<std::string> role;  // INFO role: master | slave
  std::optional<double> time_to_full_seconds;
  std::vector<Finding> findings;
  std::vector<PollError> recent_errors;    // oldest first, at most kRecentPollErrors
  std::vector<HistoryPoint> history;       // used memory, the last hour, oldest first
  std::optional<KeyspaceStatus> keyspace;  // while the target is sampled
};

inline constexpr size_t kRecentPollErrors = 10;

// Most urgent first: down, then by the most severe finding (critical,
// warning, info, none), not yet polled last; by name within each.
void SortByUrgency(std::vector<TargetStatus>* targets);

}  // namespace memwatch::metrics
