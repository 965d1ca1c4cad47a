// The shape of a Redis Cluster as the daemon watches it: its shards, each a
// primary with its replicas and slot ranges, and the nodes left out with the
// reason why. The same value comes from CLUSTER NODES (any version) and from
// CLUSTER SHARDS (7.0+): equivalent replies give equal Topologies.
//
// Rules, for both sources:
//  - A shard is a primary and the replicas that name it; a primary without
//    slots is a shard too (a new or emptied node still holds memory).
//  - Skipped: nodes flagged fail (SHARDS: health "failed"), noaddr or
//    handshake, and replicas whose primary is unknown; each SkippedNode says
//    why. A skipped primary still makes its shard (with no primary), so the
//    shard's replicas stay watched during a failover.
//  - "fail?" (one node's suspicion) does not skip a node.
//  - Order: shards by label (slot-owning shards by their first slot, then
//    slot-less ones), replicas and skipped nodes by id.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "discovery/cluster_nodes.h"
#include "discovery/cluster_shards.h"
#include "discovery/node_address.h"
#include "discovery/slot_range.h"
#include "memwatch/result.h"

namespace memwatch::discovery {

struct TopologyNode {
  std::string id;
  NodeAddress address;  // the hostname when announced, otherwise the ip
  std::string ip;
  bool operator==(const TopologyNode&) const = default;
};

struct Shard {
  // A stable name for the shard, for labels and logs: its lowest slot range
  // ("0-5460", "100"), which survives a failover (ids and addresses do not);
  // "noslots:<first 8 characters of the primary's id>" for a slot-less one.
  std::string label;
  std::optional<TopologyNode> primary;  // nullopt when the primary is skipped
  std::vector<TopologyNode> replicas;
  std::vector<SlotRange> slots;  // ascending, adjacent ranges merged
  bool operator==(const Shard&) const = default;
};

struct SkippedNode {
  TopologyNode node;
  std::string reason;  // "fail", "noaddr", "handshake", "primary <id> unknown", ...
  bool operator==(const SkippedNode&) const = default;
};

struct Topology {
  std::vector<Shard> shards;
  std::vector<SkippedNode> skipped;
  bool operator==(const Topology&) const = default;
};

// Never fails: every parsed reply has a topology.
Topology TopologyFromClusterNodes(const ClusterNodes& nodes);
// Fails when two shards claim the same node id.
Result<Topology> TopologyFromClusterShards(const ClusterShards& shards);

}  // namespace memwatch::discovery
