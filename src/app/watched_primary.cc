#include "app/watched_primary.h"

namespace memwatch::app {

std::optional<checks::PrimaryLimit> WatchedPrimaryOf(const Snapshot& replica,
                                                     std::span<const WatchedTarget> watched) {
  if (replica.role != "slave" || !replica.master_host.has_value() ||
      !replica.master_port.has_value()) {
    return std::nullopt;
  }
  for (const WatchedTarget& t : watched) {
    if (t.endpoint.kind == Endpoint::Kind::kTcp && t.endpoint.host == *replica.master_host &&
        t.endpoint.port == *replica.master_port && t.maxmemory.has_value()) {
      return checks::PrimaryLimit{t.name, *t.maxmemory};
    }
  }
  return std::nullopt;
}

}  // namespace memwatch::app
