// What the keyspace sampler last learnt about one target's key families
// (prefixes), as the checks read it to name the culprit in their findings:
// plain values, built by the app from keyspace::KeyspaceSummary and the
// eviction events it watched, handed to the check engine with each
// observation (checks::Observation::key_families). Every name here is
// already escaped (keyspace::EscapeKeyName): safe to put in any text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"

namespace memwatch {

struct KeyFamily {
  std::string prefix;    // escaped, e.g. "coupon:gen:*"
  uint64_t sampled = 0;  // keys of this family the sample looked at
  uint64_t keys = 0;     // estimated, in the whole keyspace
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // estimated MEMORY USAGE total; nullopt without samples
  double share = 0;               // of all keys, 0..1
  // Between the last two complete cycles; nullopt before two of them.
  std::optional<double> keys_growth_per_hour;
  std::optional<double> keys_without_ttl_growth_per_hour;
  std::optional<double> bytes_growth_per_hour;
};

// Keys matching the target's `protected` patterns, as sampled and as
// Redis's eviction events reported them.
struct ProtectedKeys {
  std::vector<std::string> patterns;  // as configured (escaped); empty: none configured
  uint64_t sampled = 0;               // sampled keys that match a pattern
  uint64_t sampled_with_ttl = 0;      // of those, keys with a TTL
  std::vector<std::string> examples;  // a few sampled names (escaped)
  // `evicted` keyspace events of protected keys since the daemon started
  // watching (needs notify-keyspace-events with E and e on the server).
  uint64_t evicted_total = 0;
  std::optional<MonoTime> last_evicted;
  std::vector<std::string> evicted_examples;  // the latest few (escaped)
  // Whether the daemon receives eviction events: nullopt when unknown
  // (CONFIG GET refused), false when the server does not send them.
  std::optional<bool> eviction_events;
};

struct KeyFamilies {
  bool complete = false;             // from a complete SCAN cycle (else a partial one)
  MonoTime at{};                     // when the figures were taken
  uint64_t total_keys = 0;           // the keyspace's size then
  uint64_t sampled_keys = 0;         // distinct keys behind the figures
  std::vector<KeyFamily> by_bytes;   // top families by estimated bytes, largest first
  std::vector<KeyFamily> by_no_ttl;  // top families by keys without TTL, most first
  ProtectedKeys protected_keys;
  // "" when the figures come from the target itself; else the name of the
  // replica whose sample stands in for this primary (a Sentinel group's or
  // a cluster shard's: sampling a replica spares the primary the load).
  std::string sampled_on;
};

}  // namespace memwatch
