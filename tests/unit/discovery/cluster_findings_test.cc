// ClusterFindings: a failed cluster_state, one shard near its limit while
// the cluster is not (and not when all are), with what weighs most on it
// when known, unreachable nodes named.
#include "discovery/cluster_findings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memwatch::discovery {
namespace cluster_findings_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kMb = 1024 * 1024;

NodeAddress At(int port) { return {"10.0.0.1", port}; }

// Three shards, primaries on 7001..7003, replicas on 7004..7006.
Topology ThreeShards() {
  Topology t;
  const std::vector<std::pair<std::string, SlotRange>> labels = {
      {"0-5460", {0, 5460}}, {"5461-10922", {5461, 10922}}, {"10923-16383", {10923, 16383}}};
  for (int i = 0; i < 3; ++i) {
    Shard s;
    s.label = labels[i].first;
    s.slots = {labels[i].second};
    s.primary = TopologyNode{"p" + std::to_string(i), At(7001 + i), "10.0.0.1"};
    s.replicas = {TopologyNode{"r" + std::to_string(i), At(7004 + i), "10.0.0.1"}};
    t.shards.push_back(s);
  }
  return t;
}

NodeProbe Primary(int port, int64_t used_mb, int64_t max_mb) {
  return {.address = At(port),
          .answered = true,
          .error = "",
          .cluster_state = "ok",
          .used_memory = used_mb * kMb,
          .maxmemory = max_mb * kMb};
}

NodeProbe Replica(int port) { return {At(port), true, "", "ok", std::nullopt, std::nullopt}; }

std::vector<NodeProbe> Probes(int64_t a, int64_t b, int64_t c) {
  return {Primary(7001, a, 100), Primary(7002, b, 100), Primary(7003, c, 100),
          Replica(7004),         Replica(7005),         Replica(7006)};
}

TEST(ClusterFindings, HealthyClusterHasNone) {
  EXPECT_TRUE(ClusterFindings(ThreeShards(), Probes(50, 60, 40)).empty());
}

TEST(ClusterFindings, OneShardNearItsLimitIsNamedWithSlotsAndPrimary) {
  const std::vector<Finding> f = ClusterFindings(ThreeShards(), Probes(10, 95, 20));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, "cluster_shard_near_limit");
  EXPECT_EQ(f[0].severity, Severity::kWarning);
  EXPECT_THAT(f[0].summary, HasSubstr("shard 5461-10922 (slots 5461-10922, primary "
                                      "10.0.0.1:7002, 95% of maxmemory)"));
  EXPECT_THAT(f[0].summary, HasSubstr("rejected with OOM"));
  EXPECT_THAT(f[0].summary, HasSubstr("cluster uses 42%"));
  ASSERT_EQ(f[0].evidence.size(), 2u);
  EXPECT_EQ(f[0].evidence[0].value, "95.0 MiB / 100.0 MiB");
  EXPECT_FALSE(f[0].fix.empty());
}

TEST(ClusterFindings, ShardNearItsLimitNamesWhatWeighsMostOnItWhenKnown) {
  ClusterFindingOptions options;
  options.heaviest_by_primary = {
      {"10.0.0.1:7002", "`{fill}:*` about 80.0 MiB (99% of keys)"},
      {"10.0.0.1:7001", "`cache:*` about 5.0 MiB (100% of keys)"},  // not near its limit
  };
  const std::optional<Finding> f =
      ShardNearLimitFinding(ThreeShards(), Probes(10, 95, 20), options);
  ASSERT_TRUE(f.has_value());
  EXPECT_THAT(f->summary, HasSubstr("shard 5461-10922 (slots 5461-10922, primary 10.0.0.1:7002, "
                                    "95% of maxmemory; weighing most: `{fill}:*` about 80.0 MiB "
                                    "(99% of keys)) near its memory limit"));
  EXPECT_THAT(f->summary, Not(HasSubstr("cache:*")));
  EXPECT_EQ(f->evidence,
            (std::vector<Evidence>{
                {"shard 5461-10922 used_memory / maxmemory", "95.0 MiB / 100.0 MiB"},
                {"shard 5461-10922 weighing most (keyspace sample)",
                 "`{fill}:*` about 80.0 MiB (99% of keys)"},
                {"whole cluster used_memory / maxmemory", "125.0 MiB / 300.0 MiB (42%)"}}));
  EXPECT_THAT(f->fix, HasSubstr("named above weigh most on that shard"));
  EXPECT_THAT(f->fix, HasSubstr("--cluster rebalance"));
}

TEST(ClusterFindings, ShardNearItsLimitWithoutWhatWeighsMostIsNamedAsBefore) {
  const std::optional<Finding> plain = ShardNearLimitFinding(ThreeShards(), Probes(10, 95, 20), {});
  ClusterFindingOptions options;
  // Another shard's primary, and an empty text: neither changes the finding.
  options.heaviest_by_primary = {{"10.0.0.1:7001", "`cache:*` about 5.0 MiB (100% of keys)"},
                                 {"10.0.0.1:7002", ""}};
  const std::optional<Finding> f =
      ShardNearLimitFinding(ThreeShards(), Probes(10, 95, 20), options);
  ASSERT_TRUE(plain.has_value());
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->summary, plain->summary);
  EXPECT_EQ(f->evidence, plain->evidence);
  EXPECT_EQ(f->fix, plain->fix);
  EXPECT_THAT(f->summary, Not(HasSubstr("weighing most")));
  EXPECT_THAT(f->fix, HasSubstr("find the hash tags ({...}) or keys that weigh most"));
}

TEST(ClusterFindings, ThresholdIsInclusiveAndConfigurable) {
  EXPECT_TRUE(ShardNearLimitFinding(ThreeShards(), Probes(10, 90, 10), {}).has_value());
  EXPECT_FALSE(ShardNearLimitFinding(ThreeShards(), Probes(10, 89, 10), {}).has_value());
  EXPECT_TRUE(ShardNearLimitFinding(ThreeShards(), Probes(10, 80, 10), {.near_limit_fraction = 0.8})
                  .has_value());
}

TEST(ClusterFindings, WholeClusterNearItsLimitIsLeftToMemoryHigh) {
  EXPECT_FALSE(ShardNearLimitFinding(ThreeShards(), Probes(92, 95, 91), {}).has_value());
}

TEST(ClusterFindings, ShardsWithoutLimitOrProbeAreIgnored) {
  std::vector<NodeProbe> probes = Probes(10, 95, 20);
  probes[1].maxmemory = 0;  // no limit
  EXPECT_FALSE(ShardNearLimitFinding(ThreeShards(), probes, {}).has_value());
  probes = Probes(10, 95, 20);
  probes[1].answered = false;
  EXPECT_FALSE(ShardNearLimitFinding(ThreeShards(), probes, {}).has_value());
  Topology t = ThreeShards();
  t.shards[1].primary.reset();  // a failover under way
  EXPECT_FALSE(ShardNearLimitFinding(t, Probes(10, 95, 20), {}).has_value());
}

TEST(ClusterFindings, FailedClusterStateIsCriticalAndNamesTheNodes) {
  std::vector<NodeProbe> probes = Probes(10, 10, 10);
  probes[0].cluster_state = "fail";
  probes[4].cluster_state = "fail";
  const std::optional<Finding> f = ClusterStateFinding(probes);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->check, "cluster_state");
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_THAT(f->summary, HasSubstr("10.0.0.1:7001, 10.0.0.1:7005"));
}

TEST(ClusterFindings, UnreachableNodesAreNamedWithTheirErrors) {
  std::vector<NodeProbe> probes = Probes(10, 10, 10);
  probes[5] = {At(7006), false, "connect: Connection refused", "", std::nullopt, std::nullopt};
  const std::vector<Finding> f = ClusterFindings(ThreeShards(), probes);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].check, "cluster_nodes_unreachable");
  EXPECT_THAT(f[0].summary, HasSubstr("10.0.0.1:7006"));
  EXPECT_EQ(f[0].evidence,
            (std::vector<Evidence>{{"10.0.0.1:7006", "connect: Connection refused"}}));
  EXPECT_THAT(f[0].fix, HasSubstr("cluster-announce-ip"));
}

TEST(ClusterFindings, InfoFieldReadsClusterInfo) {
  const std::string text = "cluster_enabled:1\r\ncluster_state:fail\r\ncluster_slots_ok:16384\r\n";
  EXPECT_EQ(InfoField(text, "cluster_state"), "fail");
  EXPECT_EQ(InfoField(text, "cluster_slots_ok"), "16384");
  EXPECT_EQ(InfoField(text, "cluster"), std::nullopt);
  EXPECT_EQ(InfoField("", "cluster_state"), std::nullopt);
}

}  // namespace cluster_findings_test
}  // namespace memwatch::discovery
