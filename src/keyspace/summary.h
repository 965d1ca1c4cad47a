// What a keyspace sample says about each key prefix, as doctor, the metrics
// and the findings show it: estimated keys, keys without TTL and bytes, each
// with the sample behind it, and growth between full cycles. Pure values;
// Summarize (summary.cc) builds them from a sampler's cycles (cycle.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"

namespace memwatch::keyspace {

struct Cycle;  // keyspace/cycle.h; declared only, so this header stays plain values

// A count estimated from a sample, with its 95 % interval (low <= value <= high).
struct CountEstimate {
  uint64_t value = 0;
  uint64_t low = 0;
  uint64_t high = 0;
};

struct PrefixSummary {
  std::string prefix;              // as FoldKey returned it, unescaped; empty for "other"
  bool other = false;              // the sum of every prefix not listed
  uint64_t sampled = 0;            // keys of this prefix the sample looked at
  CountEstimate keys;              // in the whole keyspace
  CountEstimate keys_without_ttl;  // in the whole keyspace
  std::optional<uint64_t> bytes;   // estimated total MEMORY USAGE; nullopt without samples
  uint64_t bytes_samples = 0;      // keys whose MEMORY USAGE that estimate rests on
  double share = 0;                // of all keys, 0..1 (keys.value / total_keys)
  std::string dominant_type;       // "string", "hash", ...; "" when unknown
  // Between the ends of the last two complete cycles; nullopt before two
  // cycles, or when the prefix was not in the table both times.
  std::optional<double> keys_growth_per_hour;
  std::optional<double> bytes_growth_per_hour;
  // Added with Summarize: the growth of keys_without_ttl, likewise, so a
  // prefix growing only by keys with a TTL is not taken for a leak.
  std::optional<double> keys_without_ttl_growth_per_hour;
};

struct KeyspaceSummary {
  uint64_t total_keys = 0;    // the keyspace's size (INFO keyspace / DBSIZE) when summarized
  uint64_t sampled_keys = 0;  // distinct keys looked at in the cycle summarized
  bool complete = false;      // the SCAN cycle came back to cursor 0
  double seconds = 0;         // how long the cycle took (so far, when incomplete)
  // The top prefixes by estimated bytes (by keys while no key has a MEMORY
  // USAGE sample), then one entry with other == true when any key is left.
  std::vector<PrefixSummary> by_bytes;
  // The top prefixes by estimated keys without TTL (only those with any),
  // then "other" as above.
  std::vector<PrefixSummary> by_no_ttl;
};

// Summarizes `cycle` as a sample of a keyspace of total_keys keys (the
// caller's DBSIZE or INFO keyspace count), listing `top` prefixes in each
// ordering. For each prefix (and "other"):
//  - keys = EstimateKeys(sampled, cycle.sampled(), total_keys), and
//    keys_without_ttl likewise from its keys without TTL, against the same
//    total (a complete cycle that saw every key gives exact counts);
//  - bytes = keys.value * the mean MEMORY USAGE of its sampled keys;
//  - share = keys.value / total_keys (0 when total_keys is 0);
//  - dominant_type: its most frequent TYPE among sampled keys (ties: the
//    order string, list, set, zset, hash, stream, other);
//  - growth per hour between `earlier` and `later` (both complete cycles,
//    the later ending after the earlier; pass nullptr for none) when the
//    prefix is tracked in both tables: the difference of their counts (a
//    complete cycle's counts are the keyspace's; bytes as count * mean
//    sampled size, nullopt unless both have MEMORY USAGE samples) over the
//    hours between their ends. Growth is never set on "other". A prefix
//    that spent part of a cycle in "other" (PrefixStats::max_missed > 0)
//    has its count there as a lower bound, so its growth is uncertain by
//    that much; a prefix big enough to matter is tracked from its start.
//    Keys a cycle lost (Cycle::unanswered) or may have counted twice
//    (Cycle::unchecked) shift its counts by up to as many.
// seconds is ended - started for a complete cycle, now - started else.
KeyspaceSummary Summarize(const Cycle& cycle, uint64_t total_keys, MonoTime now, size_t top,
                          const Cycle* earlier = nullptr, const Cycle* later = nullptr);

// The prefixes of summary.by_no_ttl (not "other") whose keys without TTL
// grow by at least min_keys_per_hour (and by more than 0), fastest first:
// what the findings name as a leak. Only prefixes listed in by_no_ttl can
// appear.
std::vector<PrefixSummary> GrowingWithoutTtl(const KeyspaceSummary& summary,
                                             double min_keys_per_hour);

}  // namespace memwatch::keyspace
