// One SCAN cycle's sample: every key counted, by prefix, and what else
// happened on the way. The Sampler fills one at a time; Summarize reads them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keyspace/prefix_table.h"
#include "memwatch/clock.h"

namespace memwatch::keyspace {

// The keys of a cycle that match a protected pattern
// (SamplerOptions::protected_patterns).
struct ProtectedSample {
  // At most this many example names are kept.
  static constexpr size_t kMaxExamples = 3;
  uint64_t sampled = 0;   // keys counted that match a pattern
  uint64_t with_ttl = 0;  // of those, keys with a TTL
  // The first few matching names with a TTL (those are the evictable
  // ones), else the first few without: raw bytes, escape before showing.
  std::vector<std::string> examples;
  bool examples_with_ttl = false;  // whether `examples` have a TTL
};

struct Cycle {
  explicit Cycle(size_t table_capacity) : table(table_capacity) {}

  // Every key counted in this cycle, once each (see duplicates and
  // unchecked), by prefix; table.total_sampled() is their number.
  PrefixTable table;
  uint64_t number = 0;      // 1 for a sampler's first cycle, then 2, ...
  uint64_t scan_pages = 0;  // SCAN replies received
  // Keys SCAN returned again within the cycle, skipped.
  uint64_t duplicates = 0;
  // Keys counted after the seen-keys set was full: any of them may be a
  // duplicate counted twice (SeenKeys, SamplerOptions::max_seen_keys).
  uint64_t unchecked = 0;
  // Keys that were gone when asked about (TYPE none or TTL -2): not counted.
  uint64_t vanished = 0;
  // Keys handed out by NextKeys whose facts never came: not counted.
  uint64_t unanswered = 0;
  ProtectedSample protected_keys;
  std::optional<MonoTime> started;  // when its first SCAN page arrived
  std::optional<MonoTime> ended;    // when it completed; set iff complete

  bool complete() const { return ended.has_value(); }
  uint64_t sampled() const { return table.total_sampled(); }
};

}  // namespace memwatch::keyspace
