#include <utility>

#include "app/cluster_discoverer.h"
#include "app/group_discovery.h"
#include "app/sentinel_discoverer.h"

namespace memwatch::app {

Endpoint EndpointOf(const discovery::NodeAddress& a) {
  Endpoint e;
  e.kind = Endpoint::Kind::kTcp;
  e.host = a.host;
  e.port = a.port;
  return e;
}

std::unique_ptr<GroupDiscoverer> MakeGroupDiscoverer(const config::TargetConfig& group,
                                                     std::function<void()> wake,
                                                     const KeyFamilyBoard* families) {
  if (group.sentinel) return MakeSentinelDiscoverer(group, std::move(wake));
  return MakeClusterDiscoverer(group, std::move(wake), families);
}

}  // namespace memwatch::app
