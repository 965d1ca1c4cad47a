#include "checks/fix_advice.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "checks/format.h"
#include "checks/managed_fix.h"
#include "checks/snapshot_facts.h"
#include "memwatch/units.h"

namespace memwatch::checks {
namespace {

// The next fork may copy more than the last one did.
constexpr double kCowMargin = 1.5;

// The value as a command reads it: quoted when it holds spaces
// ("replica 256mb 64mb 60").
std::string Arg(const std::string& value) {
  return value.find(' ') == std::string::npos ? value : fmt::format("\"{}\"", value);
}

}  // namespace

std::string RenderConfigFix(std::span<const ConfigChange> changes, const Snapshot& s, Provider p) {
  if (p != Provider::kSelfManaged) return RenderManagedFix(changes, p);
  std::string out;
  for (const ConfigChange& c : changes)
    out += fmt::format("CONFIG SET {} {}\n", c.directive, Arg(c.value));
  const bool no_config_file = s.config_file.has_value() && s.config_file->empty();
  if (no_config_file) {
    out +=
        "Redis was started without a config file, so CONFIG REWRITE cannot keep this after a "
        "restart: also add it to Redis's command line (e.g. the container's command):\n ";
    for (const ConfigChange& c : changes) out += fmt::format(" --{} {}", c.directive, Arg(c.value));
    return out;
  }
  out += "CONFIG REWRITE\n";
  if (s.config_file.has_value()) {
    out += fmt::format("redis.conf ({}):", *s.config_file);
  } else {
    out += "redis.conf:";
  }
  for (const ConfigChange& c : changes) out += fmt::format("\n  {} {}", c.directive, c.value);
  return out;
}

std::string ConfigFixClause(const ConfigChange& change, Provider p) {
  if (p != Provider::kSelfManaged) return ManagedFixClause(change, p);
  return fmt::format("CONFIG SET {} {} (and {} {} in redis.conf)", change.directive,
                     Arg(change.value), change.directive, change.value);
}

HeadroomShares HeadroomSharesFrom(const CheckSettings& settings) {
  return HeadroomShares{settings.Param("memory_headroom", "max_share_persistent"),
                        settings.Param("memory_headroom", "max_share")};
}

std::optional<MaxmemoryAdvice> RecommendMaxmemory(const Snapshot& s,
                                                  std::optional<EffectiveLimit> container,
                                                  HeadroomShares shares) {
  MaxmemoryAdvice a;
  if (container.has_value()) {
    a.base = *container;
  } else if (s.total_system_memory.has_value() && *s.total_system_memory > 0) {
    a.base = EffectiveLimit{*s.total_system_memory, "total_system_memory"};
  } else {
    return std::nullopt;
  }
  const double base = static_cast<double>(a.base.bytes);
  a.persistence = PersistenceLikelyOn(s);
  double share = a.persistence ? shares.persistent : shares.plain;
  std::string why = a.persistence
                        ? "leaving room for the copy-on-write of RDB/AOF forks, client buffers "
                          "and fragmentation"
                        : "leaving room for client buffers and fragmentation";
  if (a.persistence) {
    a.cow = MeasuredCowBytes(s);
    if (a.cow.has_value()) {
      const double cow_share = shares.plain - kCowMargin * static_cast<double>(*a.cow) / base;
      if (cow_share < share) {
        share = std::max(cow_share, 0.5);
        why = fmt::format("leaving room for 1.5x the {} copy-on-write measured at the last fork",
                          FormatBytes(*a.cow));
      }
    }
  }
  a.bytes = static_cast<int64_t>(std::floor(base * share / kMiB)) * kMiB;
  a.reason = fmt::format("{} of {}, {}", FormatPercent(share), DescribeLimit(a.base), why);
  return a;
}

std::string MaxmemoryFix(const MaxmemoryAdvice& advice, const Snapshot& s, Provider p) {
  const ConfigChange change = SizeChange("maxmemory", advice.bytes);
  std::string out = RenderConfigFix(std::span(&change, 1), s, p);
  out += fmt::format("\nSized as {}.", advice.reason);
  if (advice.base.source == "total_system_memory") out += fmt::format("\nNote: {}.", kHostRamNote);
  return out;
}

}  // namespace memwatch::checks
