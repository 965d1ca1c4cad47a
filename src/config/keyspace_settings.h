// `keyspace:`: continuous sampling of each target's keys into prefixes, at
// a bounded cost (keyspace/budget.h). Written globally and per target; a
// target's block overrides the global one key by key.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"

namespace memwatch::config {

// A `keyspace:` block as written: each key that was set.
struct KeyspaceBlock {
  std::optional<bool> enabled;
  std::optional<double> budget;  // fraction of Redis time, (0, 0.1]
  std::optional<uint32_t> max_keys_per_second;
  std::optional<std::string> delimiters;
  std::optional<int> depth;
  std::optional<int> top;
  std::optional<Duration> interval;
  // `protected:` key patterns (Redis globs, raw bytes as written); an
  // empty list is set too (a target's `protected: []` drops the global one).
  std::optional<std::vector<std::string>> protected_patterns;
  bool operator==(const KeyspaceBlock&) const = default;
};

// What a target's sampler runs with, every default applied.
struct KeyspaceSettings {
  // nullopt: sample iff the target is a primary (INFO role:master); a
  // replica is sampled only when its own block says enabled: true.
  std::optional<bool> enabled;
  double budget = 0.01;
  uint32_t max_keys_per_second = 2000;
  std::string delimiters = ":";
  int depth = 3;
  int top = 20;
  // Least time between the starts of two cycles.
  Duration interval = std::chrono::minutes(5);
  // Keys that must never be evicted (keyspace/glob.h patterns): the
  // sampler counts them, the eviction watcher reports their evictions and
  // the protected_* checks judge the policy against them. Empty: none.
  std::vector<std::string> protected_patterns;
  bool operator==(const KeyspaceSettings&) const = default;
};

// The settings of a target: its own block's keys, else the global block's,
// else the defaults. `enabled` from the global block counts only when it
// is false (it turns sampling off everywhere); enabled: true there keeps
// the primaries-only default, as only a target's own block can ask for a
// replica to be sampled.
KeyspaceSettings ResolveKeyspace(const KeyspaceBlock& global, const KeyspaceBlock& target);

}  // namespace memwatch::config
