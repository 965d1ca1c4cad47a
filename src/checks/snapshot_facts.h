// Facts derived from one Snapshot that several checks share: keyspace sums,
// what the eviction policy means, whether Redis forks for persistence, and
// how to name the limit in words. Pure; absent fields give "unknown"
// (std::nullopt) or the cautious answer, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checks/observation.h"
#include "memwatch/effective_limit.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

struct KeyspaceTotals {
  int64_t keys = 0;
  int64_t expires = 0;  // keys that carry a TTL
  int64_t WithoutTtl() const { return keys > expires ? keys - expires : 0; }
};

// Snapshot::TotalKeys() and TotalExpires(); nullopt when the reply had no
// keyspace section (an empty section means 0 keys).
std::optional<KeyspaceTotals> SumKeyspace(const Snapshot& s);

// allkeys-lru, allkeys-lfu, allkeys-random: eviction works whatever the TTLs.
bool IsAllkeysPolicy(std::string_view policy);
// volatile-lru, volatile-lfu, volatile-random, volatile-ttl: evicts only
// keys that carry a TTL.
bool IsVolatilePolicy(std::string_view policy);

// True unless the snapshot shows that Redis does not fork: AOF off, no fork
// measured (rdb_last_cow_size 0), no replica, and writes left unsaved for
// over two hours of uptime although the default `save 3600 1` rule would
// have saved them. INFO does not show the `save` setting itself, so when in
// doubt this answers true: the stricter headroom is the safe mistake.
bool PersistenceLikelyOn(const Snapshot& s);

// The largest copy-on-write size measured at the last RDB or AOF fork;
// nullopt when neither was measured (no fork yet, or Redis < 4).
std::optional<int64_t> MeasuredCowBytes(const Snapshot& s);

// "maxmemory 4 GiB", "memory_limit 4 GiB (the container's limit)",
// "cgroup 4 GiB (the container's limit)", "total_system_memory 8 GiB (the
// host's RAM)".
std::string DescribeLimit(const EffectiveLimit& limit);

// "3.3 GiB (82% of memory_limit 4 GiB (the container's limit))", or just the
// bytes when the limit is unknown.
std::string DescribeUsed(int64_t used, const std::optional<EffectiveLimit>& limit);

// The part of used_memory Redis compares with maxmemory (evict.c,
// getMaxmemoryState): without mem_not_counted_for_evict (replica buffers
// beyond the backlog, the AOF buffer). nullopt when used_memory is unknown.
std::optional<int64_t> CountedForEviction(const Snapshot& s);

// What is measured against `limit`: the counted part against maxmemory
// (what Redis evicts and refuses writes by), all of used_memory against a
// container's or host's memory (what the kernel kills by, buffers
// included). used_memory when the limit is unknown.
std::optional<int64_t> UsedAgainst(const Snapshot& s, const std::optional<EffectiveLimit>& limit);

// UsedAgainst(s, limit) / limit; nullopt when either is unknown.
std::optional<double> UsedShare(const Snapshot& s, const std::optional<EffectiveLimit>& limit);

// "the container" / "the host" / "the machine or container": what runs out
// when Redis grows past `limit` (for summaries).
std::string_view WhatRunsOut(const std::optional<EffectiveLimit>& limit);

// What happens when used memory reaches `limit`, as a clause for
// summaries: "Redis then refuses every write".
std::string_view AtTheLimit(const Snapshot& s, const EffectiveLimit& limit);

// True when reaching maxmemory is the intended steady state: maxmemory is
// set and an allkeys-* policy evicts to stay under it (a cache). memory_high
// and time_to_full stay quiet then; evicting reports the evictions.
bool EvictsByDesign(const Snapshot& s);

// What memory findings on a replica (role:slave) add to their summary:
// replicas ignore maxmemory by default (replica-ignore-maxmemory yes), so
// their own limit neither evicts nor refuses anything. "" on a primary or
// when the role is unknown. With the primary's maxmemory (when it is watched
// too) it compares it with this replica's limit.
std::string ReplicaMaxmemoryNote(const Snapshot& s, const std::optional<PrimaryLimit>& primary,
                                 const std::optional<EffectiveLimit>& limit);

// The note every finding sized from the host's RAM carries.
inline constexpr std::string_view kHostRamNote =
    "total_system_memory is the host's RAM, not the container's: if Redis runs in a container, "
    "set memory_limit for this target in memwatch's config";

}  // namespace memwatch::checks
