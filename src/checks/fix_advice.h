// Concrete fixes: the exact CONFIG SET commands, the CONFIG REWRITE that
// keeps them across restarts, and the matching redis.conf lines, or the
// managed service's own change (managed_fix.h); and the maxmemory to
// recommend, sized from the container limit or the host's RAM. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "checks/check_settings.h"
#include "checks/config_change.h"
#include "memwatch/effective_limit.h"
#include "memwatch/provider.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// Renders, one per line:
//   CONFIG SET maxmemory 3gb
//   CONFIG REWRITE
//   redis.conf (/etc/redis/redis.conf):
//     maxmemory 3gb
// When the snapshot shows Redis started without a config file
// (config_file empty), CONFIG REWRITE would fail, so it says to pass the
// setting on the command line instead. A value with spaces is quoted where
// a command reads it. On a managed service (p), the service's own change
// (RenderManagedFix) instead.
std::string RenderConfigFix(std::span<const ConfigChange> changes, const Snapshot& s, Provider p);

// One change as a clause inside a sentence: "CONFIG SET maxmemory-policy
// allkeys-lru (and maxmemory-policy allkeys-lru in redis.conf)", or the
// managed service's own change (ManagedFixClause).
std::string ConfigFixClause(const ConfigChange& change, Provider p);

// The largest safe maxmemory share of the memory it runs in (memory_headroom
// params; maxmemory_unset sizes its advice with the same shares so following
// one finding never raises the other).
struct HeadroomShares {
  double persistent = 0.75;  // RDB/AOF forks: copy-on-write needs room
  double plain = 0.90;       // buffers, fragmentation, replication backlog
};
HeadroomShares HeadroomSharesFrom(const CheckSettings& settings);

struct MaxmemoryAdvice {
  int64_t bytes = 0;           // recommended maxmemory, whole MiB
  EffectiveLimit base;         // the container's limit or total_system_memory
  bool persistence = true;     // sized for forks
  std::optional<int64_t> cow;  // measured copy-on-write used for sizing
  std::string reason;          // "75% of memory_limit 4 GiB (...), leaving room for ..."
};

// The maxmemory to recommend: `persistent` share of the base when Redis
// forks, lowered further when the measured copy-on-write of the last fork
// (plus 50% margin, as the next fork may copy more) does not fit in the
// room left after the `plain` reserve; `plain` share otherwise. Never below
// half the base. The base is the container's limit (ContainerLimitOf), else
// total_system_memory (the host's RAM); nullopt when neither is known.
std::optional<MaxmemoryAdvice> RecommendMaxmemory(const Snapshot& s,
                                                  std::optional<EffectiveLimit> container,
                                                  HeadroomShares shares);

// Config lines to set the recommended maxmemory, plus the host-RAM note when
// the size comes from total_system_memory.
std::string MaxmemoryFix(const MaxmemoryAdvice& advice, const Snapshot& s, Provider p);

}  // namespace memwatch::checks
