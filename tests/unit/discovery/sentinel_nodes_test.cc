// SentinelNodes keeps the node list steady through a failover: the former
// primary, missing or "disconnected" until reconfigured, stays polled for
// the hold, and a replica down for longer is dropped.
#include "discovery/sentinel_nodes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace memwatch::discovery {
namespace sentinel_nodes_test {

using std::chrono::seconds;

const NodeAddress kA{"10.0.0.1", 6379};
const NodeAddress kB{"10.0.0.2", 6379};
const NodeAddress kC{"10.0.0.3", 6379};
const MonoTime kT0{};

GroupView View(const NodeAddress& primary, std::vector<ReplicaView> replicas) {
  GroupView v;
  v.primary = primary;
  v.replicas = std::move(replicas);
  return v;
}

TEST(SentinelNodesTest, HealthyReplicasAreListedAndTheFormerPrimaryIsHeld) {
  SentinelNodes nodes(seconds(60));
  EXPECT_EQ(nodes.Replicas(View(kA, {{kB, false}}), kT0), std::vector<NodeAddress>{kB});
  // Failover to B: A is not listed yet (or listed disconnected).
  EXPECT_EQ(nodes.Replicas(View(kB, {}), kT0 + seconds(1)), std::vector<NodeAddress>{kA});
  EXPECT_EQ(nodes.Replicas(View(kB, {{kA, true}}), kT0 + seconds(10)),
            std::vector<NodeAddress>{kA});
  // Reconfigured: a healthy replica again, for good.
  EXPECT_EQ(nodes.Replicas(View(kB, {{kA, false}}), kT0 + seconds(15)),
            std::vector<NodeAddress>{kA});
  EXPECT_EQ(nodes.Replicas(View(kB, {{kA, false}}), kT0 + seconds(300)),
            std::vector<NodeAddress>{kA});
}

TEST(SentinelNodesTest, AReplicaDownLongerThanTheHoldIsDropped) {
  SentinelNodes nodes(seconds(60));
  EXPECT_EQ(nodes.Replicas(View(kA, {{kB, false}, {kC, false}}), kT0),
            (std::vector<NodeAddress>{kB, kC}));
  EXPECT_EQ(nodes.Replicas(View(kA, {{kB, false}, {kC, true}}), kT0 + seconds(60)),
            (std::vector<NodeAddress>{kB, kC}));
  EXPECT_EQ(nodes.Replicas(View(kA, {{kB, false}, {kC, true}}), kT0 + seconds(61)),
            std::vector<NodeAddress>{kB});
}

TEST(SentinelNodesTest, AReplicaNeverSeenHealthyIsNotListed) {
  SentinelNodes nodes(seconds(60));
  EXPECT_TRUE(nodes.Replicas(View(kA, {{kC, true}}), kT0).empty());
  EXPECT_TRUE(nodes.Replicas(GroupView{}, kT0).empty());
}

}  // namespace sentinel_nodes_test
}  // namespace memwatch::discovery
