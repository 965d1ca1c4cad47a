// Which nodes of a Sentinel group to poll, from GroupState's views round
// after round. Pure: time comes in arguments.
//
// The primary, and every replica seen healthy (listed by a sentinel that
// agrees on the primary, and not s_down, o_down or disconnected) within
// `hold`. The hold keeps the node list steady through a failover: the old
// primary is missing from the replicas, or listed "disconnected", for the
// seconds (up to ~15) until the sentinels have reconfigured it, and a node
// dropped and added again would lose its alert state and fire its findings
// again. A replica down for longer than `hold` (gone for good: Sentinel
// forgets none until SENTINEL RESET) is dropped; its target_down had time
// to fire meanwhile.
#pragma once

#include <map>
#include <vector>

#include "discovery/group_state.h"
#include "discovery/node_address.h"
#include "memwatch/clock.h"

namespace memwatch::discovery {

class SentinelNodes {
 public:
  explicit SentinelNodes(Duration hold) : hold_(hold) {}

  // The replicas to poll now, sorted; the primary is view.primary (left
  // out here). Nothing when the view has no primary.
  std::vector<NodeAddress> Replicas(const GroupView& view, MonoTime now);

 private:
  Duration hold_;
  std::map<NodeAddress, MonoTime> last_healthy_;  // replicas and primaries
};

}  // namespace memwatch::discovery
