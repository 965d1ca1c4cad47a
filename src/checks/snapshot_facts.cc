#include "checks/snapshot_facts.h"

#include <algorithm>

#include <fmt/format.h>

#include "checks/effective_limit.h"
#include "checks/format.h"

namespace memwatch::checks {

std::optional<KeyspaceTotals> SumKeyspace(const Snapshot& s) {
  if (!s.has_keyspace_section && s.keyspace.empty()) return std::nullopt;
  return KeyspaceTotals{.keys = s.TotalKeys(), .expires = s.TotalExpires()};
}

bool IsAllkeysPolicy(std::string_view policy) { return policy.starts_with("allkeys-"); }
bool IsVolatilePolicy(std::string_view policy) { return policy.starts_with("volatile-"); }

bool PersistenceLikelyOn(const Snapshot& s) {
  if (s.aof_enabled.value_or(false)) return true;
  if (s.rdb_bgsave_in_progress.value_or(false) || s.aof_rewrite_in_progress.value_or(false)) {
    return true;
  }
  if (MeasuredCowBytes(s).has_value()) return true;
  // A replica's full sync forks a BGSAVE whatever the save setting.
  if (s.connected_slaves.value_or(0) > 0) return true;
  constexpr int64_t kTwoHours = int64_t{2} * 3600;
  const bool aof_off = s.aof_enabled.has_value();             // known, and not true (checked above)
  const bool never_forked = s.rdb_last_cow_size.has_value();  // known, and 0 (checked above)
  const bool long_up = s.uptime_in_seconds.value_or(0) > kTwoHours;
  const bool unsaved = s.rdb_changes_since_last_save.value_or(0) > 0;
  return !(aof_off && never_forked && long_up && unsaved);
}

std::optional<int64_t> MeasuredCowBytes(const Snapshot& s) {
  const int64_t cow = std::max(s.rdb_last_cow_size.value_or(0), s.aof_last_cow_size.value_or(0));
  if (cow <= 0) return std::nullopt;
  return cow;
}

std::string DescribeLimit(const EffectiveLimit& limit) {
  std::string text = fmt::format("{} {}", limit.source, FormatBytes(limit.bytes));
  if (IsContainerLimit(limit)) text += " (the container's limit)";
  if (limit.source == "total_system_memory") text += " (the host's RAM)";
  return text;
}

std::string DescribeUsed(int64_t used, const std::optional<EffectiveLimit>& limit) {
  if (!limit.has_value()) return FormatBytes(used);
  return fmt::format("{} ({} of {})", FormatBytes(used),
                     FormatPercent(static_cast<double>(used) / static_cast<double>(limit->bytes)),
                     DescribeLimit(*limit));
}

std::optional<int64_t> CountedForEviction(const Snapshot& s) {
  if (!s.used_memory.has_value()) return std::nullopt;
  const int64_t not_counted = std::clamp<int64_t>(s.mem_not_counted_for_evict.value_or(0), 0,
                                                  std::max<int64_t>(*s.used_memory, 0));
  return *s.used_memory - not_counted;
}

std::optional<int64_t> UsedAgainst(const Snapshot& s, const std::optional<EffectiveLimit>& limit) {
  if (limit.has_value() && limit->source == "maxmemory") return CountedForEviction(s);
  return s.used_memory;
}

std::optional<double> UsedShare(const Snapshot& s, const std::optional<EffectiveLimit>& limit) {
  const std::optional<int64_t> used = UsedAgainst(s, limit);
  if (!used.has_value() || !limit.has_value() || limit->bytes <= 0) return std::nullopt;
  return static_cast<double>(*used) / static_cast<double>(limit->bytes);
}

std::string_view WhatRunsOut(const std::optional<EffectiveLimit>& limit) {
  if (!limit.has_value()) return "the machine or container";
  if (IsContainerLimit(*limit)) return "the container";
  if (limit->source == "total_system_memory") return "the host";
  return "Redis's maxmemory";
}

std::string_view AtTheLimit(const Snapshot& s, const EffectiveLimit& limit) {
  if (IsContainerLimit(limit)) return "the container then kills Redis";
  if (limit.source == "total_system_memory") {
    return "the host then runs out of memory and the kernel kills Redis";
  }
  const std::string policy = s.maxmemory_policy.value_or("");
  if (policy == "noeviction") return "Redis then refuses every write";
  if (IsVolatilePolicy(policy)) {
    return "Redis then evicts only keys with a TTL and refuses writes once none are left";
  }
  if (IsAllkeysPolicy(policy)) return "Redis then evicts keys";
  return "Redis then evicts keys or refuses writes, depending on maxmemory-policy";
}

std::string ReplicaMaxmemoryNote(const Snapshot& s, const std::optional<PrimaryLimit>& primary,
                                 const std::optional<EffectiveLimit>& limit) {
  if (s.role != "slave") return "";
  std::string note =
      ". This is a replica: replicas ignore maxmemory by default "
      "(replica-ignore-maxmemory yes), so at its maxmemory it neither evicts nor refuses "
      "writes but holds what its primary holds; size it against the primary's maxmemory";
  if (!primary.has_value()) return note;
  if (primary->maxmemory <= 0) {
    return note + fmt::format(" (its primary {} has none: nothing caps what the replica holds)",
                              primary->name);
  }
  note += fmt::format(" (its primary {} has maxmemory {}", primary->name,
                      FormatBytes(primary->maxmemory));
  if (limit.has_value() && limit->bytes < primary->maxmemory) {
    note += fmt::format(", more than this replica's {}: the replica runs out first",
                        DescribeLimit(*limit));
  }
  return note + ")";
}

bool EvictsByDesign(const Snapshot& s) {
  return s.maxmemory.value_or(0) > 0 && IsAllkeysPolicy(s.maxmemory_policy.value_or(""));
}

}  // namespace memwatch::checks
