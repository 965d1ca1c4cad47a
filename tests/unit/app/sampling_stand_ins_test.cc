// Issue 16: a replica of a primary that discovery knows samples the
// keyspace instead of it; the primary's findings get the replica's figures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/group_nodes.h"
#include "app/key_family_board.h"
#include "app/sampling_stand_ins.h"
#include "app/target_sampler.h"

namespace memwatch::app {
namespace sampling_stand_ins_test {

using ::testing::ElementsAre;
using ::testing::Pair;

config::TargetConfig Group(const std::string& name, bool cluster) {
  config::TargetConfig g;
  g.name = name;
  if (cluster) {
    g.cluster = config::ClusterGroup{};
  } else {
    g.sentinel = config::SentinelGroup{};
  }
  return g;
}

DiscoveredNode Node(int port, const std::string& role, const std::string& shard = "") {
  DiscoveredNode n;
  n.endpoint.host = "127.0.0.1";
  n.endpoint.port = port;
  n.role = role;
  n.shard = shard;
  return n;
}

TEST(SamplingStandInsTest, EachPrimaryGetsItsFirstReplicaOfTheSameShard) {
  config::Config c;
  const config::TargetConfig orders = Group("orders", false);
  const config::TargetConfig cache = Group("cache", true);
  c.targets = {NodeTarget(orders, Node(6380, "primary")),
               NodeTarget(orders, Node(6382, "replica")),
               NodeTarget(orders, Node(6381, "replica")),
               NodeTarget(cache, Node(7000, "primary", "0-5460")),
               NodeTarget(cache, Node(7001, "primary", "5461-10922")),
               NodeTarget(cache, Node(7004, "replica", "0-5460"))};
  c.targets.push_back(c.targets[0]);
  c.targets.back().name = "plain";
  c.targets.back().group.clear();
  EXPECT_THAT(SamplingStandIns(c),
              ElementsAre(Pair("cache/127.0.0.1:7000", "cache/127.0.0.1:7004"),
                          Pair("orders/127.0.0.1:6380", "orders/127.0.0.1:6381")));
}

TEST(SamplingStandInsTest, AnExplicitKeyspaceEnabledKeepsEveryNodesOwnChoice) {
  config::TargetConfig orders = Group("orders", false);
  orders.keyspace.enabled = true;
  config::Config c;
  c.targets = {NodeTarget(orders, Node(6380, "primary")),
               NodeTarget(orders, Node(6381, "replica"))};
  EXPECT_TRUE(SamplingStandIns(c).empty());
}

TEST(ShouldSampleStandInTest, TheReplicaSamplesWhileItAnswersThenThePrimaryTakesOver) {
  const config::KeyspaceSettings by_default;
  const PollHealth primary{.replica = false};
  const PollHealth replica{.replica = true};
  // The replica stands in: it samples, the primary does not.
  EXPECT_TRUE(ShouldSample(by_default, replica, {.stands_in = true, .other = primary}));
  EXPECT_FALSE(ShouldSample(by_default, primary, {.has_stand_in = true, .other = replica}));
  // Before the replica's first poll the primary waits rather than start and stop.
  EXPECT_FALSE(ShouldSample(by_default, primary, {.has_stand_in = true, .other = {}}));
  // The replica down, or promoted: the primary samples itself.
  EXPECT_TRUE(ShouldSample(by_default, primary,
                           {.has_stand_in = true, .other = {.down = true, .replica = true}}));
  EXPECT_TRUE(ShouldSample(by_default, primary, {.has_stand_in = true, .other = primary}));
  EXPECT_FALSE(ShouldSample(by_default, {.down = true, .replica = true},
                            {.stands_in = true, .other = primary}));
  // keyspace.enabled wins.
  config::KeyspaceSettings off;
  off.enabled = false;
  EXPECT_FALSE(ShouldSample(off, replica, {.stands_in = true, .other = primary}));
}

TEST(KeyFamilyBoardStandInTest, APrimaryWithoutItsOwnSampleGetsItsReplicas) {
  KeyFamilyBoard board;
  board.SetStandIns({{"orders/p", "orders/r"}});
  EXPECT_EQ(board.Get("orders/p"), nullptr);
  KeyFamilies sample;
  sample.complete = true;
  sample.sampled_keys = 1000;
  sample.total_keys = 1000;
  sample.by_no_ttl = {KeyFamily{.prefix = "coupon:gen:*", .keys = 1000}};
  board.PublishSample("orders/r", sample);
  // The primary's eviction watcher recorded an eviction.
  board.Update("orders/p", [](KeyFamilies& f) { f.protected_keys.evicted_total = 2; });

  std::shared_ptr<const KeyFamilies> got = board.Get("orders/p");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->sampled_on, "orders/r");
  ASSERT_EQ(got->by_no_ttl.size(), 1u);
  EXPECT_EQ(got->by_no_ttl[0].prefix, "coupon:gen:*");
  EXPECT_EQ(got->protected_keys.evicted_total, 2u);
  EXPECT_EQ(board.Get("orders/r")->sampled_on, "");

  // With a sample of its own (the replica went down), the primary's wins.
  board.PublishSample("orders/p", sample);
  EXPECT_EQ(board.Get("orders/p")->sampled_on, "");
}

}  // namespace sampling_stand_ins_test
}  // namespace memwatch::app
