#include "discovery/cluster_shards.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "discovery/cluster_nodes.h"

namespace memwatch::discovery {
namespace {

using Type = RespValue::Type;

// The string value of `key`, or nullptr when absent or not a string.
const std::string* StringField(const RespValue& map, std::string_view key) {
  const RespValue* v = FindField(map, key);
  return v != nullptr && v->type == Type::kString ? &v->text : nullptr;
}

Result<std::vector<SlotRange>> ParseSlots(const RespValue* slots) {
  if (slots == nullptr || slots->type != Type::kArray || slots->elements.size() % 2 != 0) {
    return Status::Error("\"slots\" is not an array of first, last integers");
  }
  std::vector<SlotRange> out;
  for (size_t i = 0; i < slots->elements.size(); i += 2) {
    const RespValue& first = slots->elements[i];
    const RespValue& last = slots->elements[i + 1];
    if (first.type != Type::kInteger || last.type != Type::kInteger || first.integer < 0 ||
        first.integer > last.integer || last.integer > kMaxSlot) {
      return Status::Error("slot range " + std::to_string(i / 2) +
                           " is not two ascending integers within 0-16383");
    }
    out.push_back({static_cast<int>(first.integer), static_cast<int>(last.integer)});
  }
  return out;
}

ShardNode::Health HealthOf(const std::string* health) {
  if (health == nullptr) {
    return ShardNode::Health::kUnknown;
  }
  // Redis 7.0 and Valkey send "fail", though the docs say "failed".
  return *health == "online"                        ? ShardNode::Health::kOnline
         : *health == "fail" || *health == "failed" ? ShardNode::Health::kFailed
         : *health == "loading"                     ? ShardNode::Health::kLoading
                                                    : ShardNode::Health::kUnknown;
}

Result<int> PortOf(const RespValue& map) {
  for (const std::string_view key : {"port", "tls-port"}) {
    const RespValue* v = FindField(map, key);
    if (v != nullptr && v->type == Type::kInteger && v->integer >= 0 && v->integer <= 65535) {
      return static_cast<int>(v->integer);
    }
  }
  return Status::Error("no \"port\" or \"tls-port\" within 0-65535");
}

Result<ShardNode> ParseNode(const RespValue& map) {
  const std::string* id = StringField(map, "id");
  const std::string* ip = StringField(map, "ip");
  const std::string* role = StringField(map, "role");
  if (map.type != Type::kArray || id == nullptr || id->empty() || ip == nullptr ||
      role == nullptr) {
    return Status::Error("not a map with string \"id\", \"ip\" and \"role\"");
  }
  Result<int> port = PortOf(map);
  if (!port.ok()) {
    return port.status();
  }
  ShardNode node;
  node.id = *id;
  node.ip = *ip;
  const std::string* hostname = StringField(map, "hostname");
  node.hostname = hostname != nullptr ? *hostname : std::string{};
  node.address = {node.hostname.empty() ? node.ip : node.hostname, port.value()};
  node.primary = *role == "master";
  node.health = HealthOf(StringField(map, "health"));
  const RespValue* offset = FindField(map, "replication-offset");
  node.replication_offset =
      offset != nullptr && offset->type == Type::kInteger ? offset->integer : 0;
  return node;
}

Result<ClusterShard> ParseShard(const RespValue& map, size_t* budget) {
  Result<std::vector<SlotRange>> slots = ParseSlots(FindField(map, "slots"));
  if (!slots.ok()) {
    return slots.status();
  }
  const RespValue* nodes = FindField(map, "nodes");
  if (nodes == nullptr || nodes->type != Type::kArray) {
    return Status::Error("\"nodes\" is not an array");
  }
  ClusterShard shard;
  shard.slots = std::move(slots).value();
  for (size_t i = 0; i < nodes->elements.size(); ++i) {
    if (*budget == 0) {
      return Status::Error("more than " + std::to_string(kMaxClusterNodes) + " nodes");
    }
    --*budget;
    Result<ShardNode> node = ParseNode(nodes->elements[i]);
    if (!node.ok()) {
      return Status::Error("node " + std::to_string(i) + ": " + node.status().message());
    }
    shard.nodes.push_back(std::move(node).value());
  }
  return shard;
}

}  // namespace

Result<ClusterShards> ParseClusterShards(const RespValue& reply) {
  if (reply.type != Type::kArray) {
    return Status::Error("CLUSTER SHARDS: the reply is " + Describe(reply) + ", not an array");
  }
  ClusterShards out;
  size_t budget = kMaxClusterNodes;
  for (size_t i = 0; i < reply.elements.size(); ++i) {
    const RespValue& map = reply.elements[i];
    Result<ClusterShard> shard = map.type == Type::kArray
                                     ? ParseShard(map, &budget)
                                     : Result<ClusterShard>{Status::Error("not a map")};
    if (!shard.ok()) {
      return Status::Error("CLUSTER SHARDS shard " + std::to_string(i) + ": " +
                           shard.status().message());
    }
    out.shards.push_back(std::move(shard).value());
  }
  return out;
}

}  // namespace memwatch::discovery
