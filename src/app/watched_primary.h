// A replica's primary among the targets this daemon watches: matched by the
// replica's master_host:master_port against each target's address, as
// written (a primary known to the replica by another name or address is
// not found). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "checks/observation.h"
#include "memwatch/endpoint.h"
#include "memwatch/snapshot.h"

namespace memwatch::app {

struct WatchedTarget {
  std::string name;
  Endpoint endpoint;
  std::optional<int64_t> maxmemory;  // from its last successful poll
};

// nullopt unless `replica` is a replica whose primary is in `watched` with a
// known maxmemory.
std::optional<checks::PrimaryLimit> WatchedPrimaryOf(const Snapshot& replica,
                                                     std::span<const WatchedTarget> watched);

}  // namespace memwatch::app
