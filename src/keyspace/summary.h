// What a keyspace sample says about each key prefix, as doctor, the metrics
// and the findings show it: estimated keys, keys without TTL and bytes, each
// with the sample behind it, and growth between full cycles. Pure values;
// Summarize (summary.cc) builds them from a sampler's tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memwatch::keyspace {

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

}  // namespace memwatch::keyspace
