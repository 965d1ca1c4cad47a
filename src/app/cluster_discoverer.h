// Discovery of a Cluster group (issue 15): see group_discovery.h.
//
// Each Discover(): asks the configured seeds, then the nodes found last (so
// discovery survives a dead seed), in turn, for CLUSTER SHARDS (CLUSTER
// NODES on 6.x, which does not know SHARDS), each within kClusterTimeout on
// a connection kept per node; the first answer gives the Topology, whose
// primaries and replicas become the nodes to poll, labelled with their
// shard. Then every node is probed (CLUSTER INFO; INFO memory on
// primaries) for the group's findings: discovery/cluster_findings.h;
// cluster_shard_near_limit names what weighs most on a shard from the
// keyspace sample of its primary (or of the replica standing in for it) on
// the KeyFamilyBoard, when one is given. No seed answering is ok=false
// (the runner keeps the nodes found last).
//
// A node that does not answer, or a shard without a primary (a failover
// under way), asks for another discovery kClusterRetryDelay after this one
// began (at once if it took longer), at most kClusterMaxRetries times in a
// row while the nodes found stay the same, so a promotion is followed
// within seconds rather than at the next interval, and a node that never
// answers (NAT) does not keep discovery busy.
#pragma once

#include <functional>
#include <memory>

#include "app/group_discovery.h"
#include "app/key_family_board.h"
#include "config/config.h"
#include "memwatch/clock.h"

namespace memwatch::app {

inline constexpr Duration kClusterTimeout = std::chrono::seconds(1);
inline constexpr Duration kClusterRetryDelay = std::chrono::seconds(1);
inline constexpr int kClusterMaxRetries = 15;
// How long findings must last before they are reported: cluster_state:fail
// longer than a failover's promotion (1-2 s after the primary is flagged),
// an unreachable node longer than the default cluster-node-timeout (15 s),
// before which a stopped node is not flagged failed (and skipped).
inline constexpr Duration kClusterStateGrace = std::chrono::seconds(5);
inline constexpr Duration kClusterUnreachableGrace = std::chrono::seconds(20);

// `group.cluster` must be set. `families`, when not null, must outlive the
// discoverer.
std::unique_ptr<GroupDiscoverer> MakeClusterDiscoverer(const config::TargetConfig& group,
                                                       std::function<void()> wake,
                                                       const KeyFamilyBoard* families = nullptr);

}  // namespace memwatch::app
