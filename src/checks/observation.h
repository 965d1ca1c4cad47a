// One poll of one target, as the check engine sees it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "memwatch/clock.h"
#include "memwatch/key_families.h"
#include "memwatch/poll_failure.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// A replica's primary, when this daemon watches it too (matched by the
// replica's master_host:master_port): its name and last maxmemory.
struct PrimaryLimit {
  std::string name;
  int64_t maxmemory = 0;  // 0: no limit
};

struct Observation {
  MonoTime at;
  PollFailure failure = PollFailure::kNone;
  std::string failure_message;  // for people; never contains a secret
  std::chrono::microseconds probe_duration{0};
  const Snapshot* snapshot = nullptr;   // set iff failure == kNone
  std::optional<PrimaryLimit> primary;  // on a replica whose primary is watched
  // Seconds from this poll until the TLS server certificate's notAfter
  // (negative once expired); nullopt without TLS. Computed by the caller
  // from the wall clock: the engine reads none.
  std::optional<double> tls_expires_in;
  // The same notAfter as Unix time, for the date people read; nullopt
  // without TLS, or where the caller does not pass it.
  std::optional<int64_t> tls_not_after;
  // The memory limit of Redis's cgroup, when the daemon found its process
  // on this host (host/container_limit.h); nullopt when unknown or none.
  std::optional<int64_t> cgroup_limit;
  // What the keyspace sampler last found (memwatch/key_families.h); null
  // while the target is not sampled or before its first figures. Checks
  // name the prefixes behind their findings from it.
  std::shared_ptr<const KeyFamilies> key_families;
};

}  // namespace memwatch::checks
