// The findings about a Redis Cluster as a whole (issue 15), decided from
// what one discovery saw: its Topology and a probe of each node (CLUSTER
// INFO, and INFO memory of the primaries). Pure: the app gathers the probes.
//
//  - cluster_state (critical): a node that answered reports
//    cluster_state:fail (slots uncovered, or no majority of primaries).
//  - cluster_shard_near_limit (warning): a shard's primary uses at least
//    `near_limit_fraction` of its maxmemory while the cluster as a whole
//    (used over maxmemory summed across the primaries with a limit) does
//    not: writes to that shard's slots fail with OOM while the others pass.
//    A cluster whose every shard is near its limit is left to each node's
//    memory_high; one finding names every shard near its limit, and for
//    each the key prefixes or hash tags that weigh most on it when the app
//    knows them (from the keyspace sample; `heaviest_by_primary`).
//  - cluster_nodes_unreachable (warning): nodes the cluster announces that
//    this daemon cannot reach or that do not answer (NAT, firewall, a
//    paused process).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "discovery/topology.h"
#include "memwatch/finding.h"

namespace memwatch::discovery {

inline constexpr std::string_view kClusterStateCheck = "cluster_state";
inline constexpr std::string_view kClusterShardNearLimitCheck = "cluster_shard_near_limit";
inline constexpr std::string_view kClusterNodesUnreachableCheck = "cluster_nodes_unreachable";

// What the probe of one announced node found.
struct NodeProbe {
  NodeAddress address;
  bool answered = false;
  std::string error;          // why not answered; never a secret
  std::string cluster_state;  // CLUSTER INFO's cluster_state ("ok", "fail"); "" unknown
  std::optional<int64_t> used_memory;
  std::optional<int64_t> maxmemory;  // 0: no limit
};

struct ClusterFindingOptions {
  double near_limit_fraction = 0.9;  // as memory_high's default warning threshold
  // A shard primary's address (ToString(NodeAddress)) -> what weighs most
  // on it, as text ("`{fill}:*` about 80.0 MiB (99% of keys)"), named by
  // cluster_shard_near_limit when that shard is near its limit. Shards
  // without an entry (or with an empty one) are named without it.
  std::map<std::string, std::string> heaviest_by_primary;
};

// The value of `key` in an INFO-style "key:value" text (CLUSTER INFO), or
// nullopt.
std::optional<std::string> InfoField(std::string_view text, std::string_view key);

std::optional<Finding> ClusterStateFinding(const std::vector<NodeProbe>& probes);
std::optional<Finding> ShardNearLimitFinding(const Topology& topology,
                                             const std::vector<NodeProbe>& probes,
                                             const ClusterFindingOptions& options);
std::optional<Finding> NodesUnreachableFinding(const std::vector<NodeProbe>& probes);

// All three, in that order, those that apply.
std::vector<Finding> ClusterFindings(const Topology& topology, const std::vector<NodeProbe>& probes,
                                     const ClusterFindingOptions& options = {});

}  // namespace memwatch::discovery
