// Topology: the same real 3+3 cluster (redis-server 7.0.15) gives the same
// topology from CLUSTER NODES and from CLUSTER SHARDS; labels are the lowest
// slot range and survive a failover; failed, noaddr and handshake nodes are
// skipped with their reason.
#include "discovery/topology.h"

#include <gtest/gtest.h>

#include <string>

#include "discovery/cluster_nodes.h"
#include "discovery/cluster_shards.h"
#include "fixture.h"
#include "resp_text.h"

namespace memwatch::discovery {
namespace topology_test {

Topology FromNodes(const std::string& text) {
  const Result<ClusterNodes> r = ParseClusterNodes(text);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? TopologyFromClusterNodes(r.value()) : Topology{};
}

Topology FromShardsFixture(const std::string& name) {
  const std::optional<RespValue> reply = resp_text::Decode(fixture::Read(name));
  EXPECT_TRUE(reply.has_value());
  const Result<ClusterShards> r = ParseClusterShards(reply.value_or(RespValue{}));
  EXPECT_TRUE(r.ok()) << r.status().message();
  const Result<Topology> t = r.ok() ? TopologyFromClusterShards(r.value()) : Topology{};
  EXPECT_TRUE(t.ok());
  return t.ok() ? t.value() : Topology{};
}

TEST(Topology, SameClusterFromNodesAndShards) {
  const Topology from_nodes = FromNodes(fixture::Read("cluster_nodes_7.0.txt"));
  const Topology from_shards = FromShardsFixture("cluster_shards_7.0.resp");
  EXPECT_EQ(from_nodes, from_shards);
  ASSERT_EQ(from_nodes.shards.size(), 3u);
  EXPECT_TRUE(from_nodes.skipped.empty());
  const Shard& first = from_nodes.shards[0];
  EXPECT_EQ(first.label, "0-5460");
  ASSERT_TRUE(first.primary.has_value());
  EXPECT_EQ(first.primary->id, "ddd9de845de05f89b4878e372fc3108e86d488dd");
  EXPECT_EQ(first.primary->address, (NodeAddress{"node-23275.test", 23275}));
  EXPECT_EQ(first.primary->ip, "127.0.0.1");
  ASSERT_EQ(first.replicas.size(), 1u);
  EXPECT_EQ(first.replicas[0].id, "9d1361d6b90ef81e633c81c20c01fa93b60bf268");
  EXPECT_EQ(from_nodes.shards[1].label, "5461-10922");
  EXPECT_EQ(from_nodes.shards[2].label, "10923-16383");
}

TEST(Topology, Redis62FormIsTheSameClusterWithIpAddresses) {
  const Topology t62 = FromNodes(fixture::Read("cluster_nodes_6.2.txt"));
  Topology t70 = FromNodes(fixture::Read("cluster_nodes_7.0.txt"));
  for (Shard& s : t70.shards) {
    s.primary->address.host = s.primary->ip;
    for (TopologyNode& r : s.replicas) {
      r.address.host = r.ip;
    }
  }
  EXPECT_EQ(t62, t70);
}

TEST(Topology, MigrationsDoNotChangeIt) {
  const Topology t = FromNodes(fixture::Read("cluster_nodes_7.0.txt"));
  EXPECT_EQ(FromNodes(fixture::Read("cluster_nodes_7.0_migrating.txt")).shards.size(), 3u);
  EXPECT_EQ(FromNodes(fixture::Read("cluster_nodes_7.0_importing.txt")).shards[0].label,
            t.shards[0].label);
}

// P1 owns 0-99 and 200-299 (plus 100-199 merged from an adjacent range),
// P2 owns 8000-16383. R1 replicates P1; R2 P2.
const std::string kP1(40, '1');
const std::string kP2(40, '2');
const std::string kR1(40, 'a');
const std::string kR2(40, 'b');
std::string Line(const std::string& id, const std::string& addr, const std::string& flags,
                 const std::string& primary, const std::string& slots) {
  return id + " " + addr + "@1 " + flags + " " + primary + " 0 0 1 connected " + slots + "\n";
}

TEST(Topology, LabelSurvivesFailoverAndSlotsMerge) {
  const std::string before = Line(kP1, "10.0.0.1:6379", "master", "-", "200-299 0-99 100-199") +
                             Line(kR1, "10.0.0.2:6379", "slave", kP1, "") +
                             Line(kP2, "10.0.0.3:6379", "master", "-", "8000-16383") +
                             Line(kR2, "10.0.0.4:6379", "slave", kP2, "");
  const Topology t = FromNodes(before);
  ASSERT_EQ(t.shards.size(), 2u);
  EXPECT_EQ(t.shards[0].label, "0-299");
  EXPECT_EQ(t.shards[0].slots, (std::vector<SlotRange>{{0, 299}}));
  // During the failover: P1 failed, R1 not yet promoted.
  const std::string during = Line(kP1, "10.0.0.1:6379", "master,fail", "-", "0-299") +
                             Line(kR1, "10.0.0.2:6379", "slave", kP1, "") +
                             Line(kP2, "10.0.0.3:6379", "master", "-", "8000-16383") +
                             Line(kR2, "10.0.0.4:6379", "slave", kP2, "");
  const Topology d = FromNodes(during);
  ASSERT_EQ(d.shards.size(), 2u);
  EXPECT_EQ(d.shards[0].label, "0-299");
  EXPECT_FALSE(d.shards[0].primary.has_value());
  ASSERT_EQ(d.shards[0].replicas.size(), 1u);
  ASSERT_EQ(d.skipped.size(), 1u);
  EXPECT_EQ(d.skipped[0].node.id, kP1);
  EXPECT_EQ(d.skipped[0].reason, "fail");
  // After: R1 is the primary, P1 back as its replica.
  const std::string after = Line(kP1, "10.0.0.1:6379", "slave", kR1, "") +
                            Line(kR1, "10.0.0.2:6379", "master", "-", "0-299") +
                            Line(kP2, "10.0.0.3:6379", "master", "-", "8000-16383") +
                            Line(kR2, "10.0.0.4:6379", "slave", kP2, "");
  const Topology a = FromNodes(after);
  EXPECT_EQ(a.shards[0].label, "0-299");
  EXPECT_EQ(a.shards[0].primary->id, kR1);
}

TEST(Topology, SkippedNodesKeepTheirReason) {
  const std::string text = Line(kP1, "10.0.0.1:6379", "master", "-", "0-16383") +
                           Line(kR1, ":0", "slave,noaddr", kP1, "") +
                           Line(kR2, "10.0.0.4:6379", "handshake", "-", "") +
                           Line(kP2, "10.0.0.3:6379", "slave", std::string(40, 'f'), "") +
                           Line(std::string(40, 'c'), "10.0.0.5:6379", "master", "-", "");
  const Topology t = FromNodes(text);
  ASSERT_EQ(t.shards.size(), 2u);
  EXPECT_EQ(t.shards[0].label, "0-16383");
  EXPECT_TRUE(t.shards[0].replicas.empty());
  EXPECT_EQ(t.shards[1].label, "noslots:cccccccc");  // an empty primary still holds memory
  ASSERT_EQ(t.skipped.size(), 3u);
  EXPECT_EQ(t.skipped[0].node.id, kP2);
  EXPECT_EQ(t.skipped[0].reason, "primary ffffffff unknown");
  EXPECT_EQ(t.skipped[1].reason, "noaddr");
  EXPECT_EQ(t.skipped[2].reason, "handshake");
}

RespValue ShardsNode(const std::string& id, const std::string& role, const std::string& health) {
  return RespValue::Array({RespValue::String("id"), RespValue::String(id),
                           RespValue::String("port"), RespValue::Integer(6379),
                           RespValue::String("ip"), RespValue::String("10.0.0.1"),
                           RespValue::String("role"), RespValue::String(role),
                           RespValue::String("health"), RespValue::String(health)});
}

TEST(Topology, FailedNodeOfShardsIsSkippedLikeFailFlag) {
  const RespValue reply = RespValue::Array(
      {RespValue::Array({RespValue::String("slots"),
                         RespValue::Array({RespValue::Integer(0), RespValue::Integer(16383)}),
                         RespValue::String("nodes"),
                         RespValue::Array({ShardsNode(kP1, "master", "failed"),
                                           ShardsNode(kR1, "replica", "online")})})});
  const Result<ClusterShards> shards = ParseClusterShards(reply);
  ASSERT_TRUE(shards.ok()) << shards.status().message();
  const Result<Topology> from_shards = TopologyFromClusterShards(shards.value());
  ASSERT_TRUE(from_shards.ok());
  const Topology from_nodes = FromNodes(Line(kP1, "10.0.0.1:6379", "master,fail", "-", "0-16383") +
                                        Line(kR1, "10.0.0.1:6379", "slave", kP1, ""));
  EXPECT_EQ(from_shards.value(), from_nodes);
  EXPECT_EQ(from_nodes.skipped.at(0).reason, "fail");
}

TEST(Topology, ShardsWithTheSameNodeTwiceIsAnError) {
  const RespValue shard = RespValue::Array(
      {RespValue::String("slots"), RespValue::Array({}), RespValue::String("nodes"),
       RespValue::Array({ShardsNode(kP1, "master", "online")})});
  const Result<ClusterShards> shards = ParseClusterShards(RespValue::Array({shard, shard}));
  ASSERT_TRUE(shards.ok());
  const Result<Topology> t = TopologyFromClusterShards(shards.value());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("appears twice"), std::string::npos);
}

}  // namespace topology_test
}  // namespace memwatch::discovery
