// Concrete fixes: the exact CONFIG SET commands, the CONFIG REWRITE that
// keeps them across restarts, and the matching redis.conf lines; and the
// maxmemory to recommend, sized from the container limit or the host's RAM.
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "checks/check_settings.h"
#include "memwatch/effective_limit.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// One redis.conf directive and its value: {"maxmemory", "3gb"}.
struct ConfigChange {
  std::string directive;
  std::string value;
};

// Renders, one per line:
//   CONFIG SET maxmemory 3gb
//   CONFIG REWRITE
//   redis.conf (/etc/redis/redis.conf):
//     maxmemory 3gb
// When the snapshot shows Redis started without a config file
// (config_file empty), CONFIG REWRITE would fail, so it says to pass the
// setting on the command line instead.
std::string RenderConfigFix(std::span<const ConfigChange> changes, const Snapshot& s);

// A byte count in the units redis.conf reads: "3gb" (3 GiB), "3686mb",
// "512kb", else plain bytes. Redis's "gb" is 1024^3, unlike "g".
std::string RedisSizeArg(int64_t bytes);

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
  EffectiveLimit base;         // memory_limit or total_system_memory
  bool persistence = true;     // sized for forks
  std::optional<int64_t> cow;  // measured copy-on-write used for sizing
  std::string reason;          // "75% of memory_limit 4 GiB (...), leaving room for ..."
};

// The maxmemory to recommend: `persistent` share of the base when Redis
// forks, lowered further when the measured copy-on-write of the last fork
// (plus 50% margin, as the next fork may copy more) does not fit in the
// room left after the `plain` reserve; `plain` share otherwise. Never below
// half the base. The base is memory_limit, else total_system_memory (the
// host's RAM); nullopt when neither is known.
std::optional<MaxmemoryAdvice> RecommendMaxmemory(const Snapshot& s,
                                                  std::optional<int64_t> memory_limit,
                                                  HeadroomShares shares);

// Config lines to set the recommended maxmemory, plus the host-RAM note when
// the size comes from total_system_memory.
std::string MaxmemoryFix(const MaxmemoryAdvice& advice, const Snapshot& s);

}  // namespace memwatch::checks
