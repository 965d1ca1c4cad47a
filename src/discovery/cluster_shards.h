// Parser of the reply of CLUSTER SHARDS (Redis 7.0+), given as a RespValue:
// an array of shards, each a map (flat key/value array) with
//   "slots": a flat array of integers first, last, first, last, ...
//   "nodes": an array of maps with "id", "port" and/or "tls-port", "ip",
//            "endpoint", "hostname" (when announced), "role" ("master" or
//            "replica"), "replication-offset", "health" ("online",
//            "fail" as Redis 7.0 sends it or "failed" as its docs say,
//            "loading").
// Unknown keys are ignored; "id", "ip", a port and "role" are required.
//
// Contract: for any RespValue, returns every shard or an error naming the
// shard and node index and what is wrong ("CLUSTER SHARDS shard 2 node 1:
// ..."). Bounded like ParseClusterNodes: at most kMaxClusterNodes nodes in
// all, slot ranges within 0..16383 and ascending.
#pragma once

#include <string>
#include <vector>

#include "discovery/node_address.h"
#include "discovery/resp_value.h"
#include "discovery/slot_range.h"
#include "memwatch/result.h"

namespace memwatch::discovery {

struct ShardNode {
  std::string id;
  std::string ip;
  std::string hostname;  // empty when not announced
  NodeAddress address;   // the hostname when announced, otherwise the ip
  bool primary = false;  // role "master"
  enum class Health { kOnline, kFailed, kLoading, kUnknown };
  Health health = Health::kUnknown;
  long long replication_offset = 0;
  bool operator==(const ShardNode&) const = default;
};

struct ClusterShard {
  std::vector<SlotRange> slots;  // as replied
  std::vector<ShardNode> nodes;
};

struct ClusterShards {
  std::vector<ClusterShard> shards;
};

Result<ClusterShards> ParseClusterShards(const RespValue& reply);

}  // namespace memwatch::discovery
