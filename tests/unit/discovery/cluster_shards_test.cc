// ParseClusterShards: the real reply of a 3+3 redis-server 7.0.15 cluster
// (raw RESP captured from a socket), and malformed replies refused with the
// shard and node they concern.
#include "discovery/cluster_shards.h"

#include <gtest/gtest.h>

#include <string>

#include "discovery/cluster_nodes.h"
#include "fixture.h"
#include "resp_text.h"

namespace memwatch::discovery {
namespace cluster_shards_test {

using V = RespValue;

TEST(ParseClusterShards, Redis70Reply) {
  const std::optional<RespValue> reply =
      resp_text::Decode(fixture::Read("cluster_shards_7.0.resp"));
  ASSERT_TRUE(reply.has_value());
  const Result<ClusterShards> r = ParseClusterShards(*reply);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r.value().shards.size(), 3u);
  const ClusterShard& s = r.value().shards[0];
  EXPECT_EQ(s.slots, (std::vector<SlotRange>{{10923, 16383}}));
  ASSERT_EQ(s.nodes.size(), 2u);
  EXPECT_EQ(s.nodes[0].id, "5633b57d8126db2ecb44d86f389cd221134b4c45");
  EXPECT_TRUE(s.nodes[0].primary);
  EXPECT_EQ(s.nodes[0].address, (NodeAddress{"node-23277.test", 23277}));
  EXPECT_EQ(s.nodes[0].ip, "127.0.0.1");
  EXPECT_EQ(s.nodes[0].health, ShardNode::Health::kOnline);
  EXPECT_FALSE(s.nodes[1].primary);
}

V Node(std::vector<V> fields) { return V::Array(std::move(fields)); }

V Shard(V slots, V nodes) {
  return V::Array({V::String("slots"), std::move(slots), V::String("nodes"), std::move(nodes)});
}

const V kGoodNode = Node({V::String("id"), V::String("n1"), V::String("tls-port"), V::Integer(7000),
                          V::String("ip"), V::String("::1"), V::String("role"),
                          V::String("replica"), V::String("health"), V::String("loading")});

TEST(ParseClusterShards, TlsPortAndLoading) {
  const Result<ClusterShards> r =
      ParseClusterShards(V::Array({Shard(V::Array({}), V::Array({kGoodNode}))}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().shards[0].nodes[0].address, (NodeAddress{"::1", 7000}));
  EXPECT_EQ(r.value().shards[0].nodes[0].health, ShardNode::Health::kLoading);
}

// Redis 7.0.15 (cluster.c addNodeDetailsToShardReply) sends "fail"; its
// docs say "failed".
TEST(ParseClusterShards, FailAndFailedBothMeanFailed) {
  for (const char* health : {"fail", "failed"}) {
    const V node = Node({V::String("id"), V::String("n1"), V::String("port"), V::Integer(7000),
                         V::String("ip"), V::String("10.0.0.1"), V::String("role"),
                         V::String("master"), V::String("health"), V::String(health)});
    const Result<ClusterShards> r =
        ParseClusterShards(V::Array({Shard(V::Array({}), V::Array({node}))}));
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r.value().shards[0].nodes[0].health, ShardNode::Health::kFailed) << health;
  }
}

TEST(ParseClusterShards, MalformedRepliesAreErrors) {
  const V slots = V::Array({V::Integer(0), V::Integer(1)});
  const struct {
    V reply;
    std::string expected;
  } cases[] = {
      {V::Error("ERR unknown subcommand"), "the reply is an error reply (\"ERR unknown"},
      {V::Array({V::Integer(1)}), "shard 0: not a map"},
      {V::Array({Shard(V::Array({V::Integer(1)}), V::Array({}))}), "\"slots\" is not"},
      {V::Array({Shard(V::Array({V::Integer(5), V::Integer(1)}), V::Array({}))}),
       "not two ascending"},
      {V::Array({Shard(V::Array({V::Integer(0), V::Integer(16384)}), V::Array({}))}),
       "slot range 0"},
      {V::Array({Shard(slots, V::Nil())}), "\"nodes\" is not an array"},
      {V::Array({Shard(slots, V::Array({kGoodNode, V::Integer(3)}))}),
       "shard 0: node 1: not a map"},
      {V::Array({Shard(
           slots, V::Array({Node({V::String("id"), V::String("x"), V::String("ip"), V::String("h"),
                                  V::String("role"), V::String("master")})}))}),
       "node 0: no \"port\""},
  };
  for (const auto& c : cases) {
    const Result<ClusterShards> r = ParseClusterShards(c.reply);
    ASSERT_FALSE(r.ok()) << c.expected;
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
  }
}

TEST(ParseClusterShards, NodeCountIsBounded) {
  std::vector<V> nodes(kMaxClusterNodes + 1, kGoodNode);
  const Result<ClusterShards> r =
      ParseClusterShards(V::Array({Shard(V::Array({}), V::Array(std::move(nodes)))}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 10000 nodes"), std::string::npos);
}

}  // namespace cluster_shards_test
}  // namespace memwatch::discovery
