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
#include "metrics/keyspace_metrics.h"
#include "metrics/memory_history.h"

namespace memwatch::metrics {

// One failed poll, for the target's page.
struct PollError {
  double wall = 0;      // Unix time
  std::string reason;   // PollFailureName: "timeout", "tls", ...
  std::string message;  // for people; never a secret
};

// Prefixes shown per sampled target on the status page and in the JSON.
inline constexpr size_t kStatusTopPrefixes = 5;

// One of a target's top key prefixes in the last complete sampling cycle.
struct PrefixStatus {
  // As exported in the `prefix` label: keyspace::EscapeKeyName output, so
  // still data from Redis that the page and the JSON must escape.
  std::string prefix;
  uint64_t keys = 0;
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // nullopt when none of its keys was measured
  // bytes / the cycle's bytes (all prefixes, measured ones); nullopt
  // without bytes on either side.
  std::optional<double> share;
  bool operator==(const PrefixStatus&) const = default;
};

// The last complete sampling cycle of a target, summed over every prefix
// (the top N and the rest).
struct KeyspaceCycleStatus {
  std::optional<double> seconds;  // how long it took
  uint64_t keys = 0;
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // nullopt when no prefix had bytes
  std::vector<PrefixStatus> top;  // at most kStatusTopPrefixes, most bytes first
  bool operator==(const KeyspaceCycleStatus&) const = default;
};

// A sampled target's keyspace; TargetStatus::keyspace is nullopt for a
// target that is not sampled.
struct KeyspaceStatus {
  std::string backoff_reason = "none";            // KeyspaceValues::backoff_reason
  std::optional<KeyspaceCycleStatus> last_cycle;  // nullopt until one completes
  bool operator==(const KeyspaceStatus&) const = default;
};

// The status page's view of what the sampler exports: the `top` prefixes
// with the most bytes (then the most keys, then by name; kOtherPrefixLabel
// is never one of them), each with its share of the cycle's bytes, and the
// cycle's totals, which count every prefix including the rest.
KeyspaceStatus KeyspaceStatusOf(const KeyspaceValues& values, size_t top = kStatusTopPrefixes);

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
