// A group target is replaced by its discovered nodes: named after the group
// and the address, inheriting credentials, TLS and checks; a daemon's
// TargetSource applies what discovery finds only when it changes, and only
// for the groups of its shard.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/group_nodes.h"
#include "app/target_list.h"
#include "app/target_source.h"
#include "config/config_loader.h"
#include "metrics/metrics_store.h"

namespace memwatch::app {
namespace group_nodes_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

config::Config Load(const std::string& text) {
  config::LoadResult r = config::LoadConfigText(
      text, "memwatch.yml", [](std::string_view) { return std::optional<std::string>(); });
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].ToString());
  return r.ok() ? *r.config : config::Config{};
}

constexpr const char* kGroups = R"(targets:
  - name: plain
    address: 127.0.0.1:6379
  - name: orders
    password: node-secret
    sentinel:
      addresses: [127.0.0.1:26379, 127.0.0.1:26380]
      master_name: mymaster
      interval: 5s
    checks: {memory_high: {warning: 70%}}
  - name: sessions
    cluster: {seeds: [127.0.0.1:7000]}
)";

DiscoveredNode Node(const std::string& host, int port, const std::string& role,
                    const std::string& shard = "") {
  DiscoveredNode n;
  n.endpoint.host = host;
  n.endpoint.port = port;
  n.role = role;
  n.shard = shard;
  return n;
}

std::vector<std::string> Names(const std::vector<config::TargetConfig>& targets) {
  std::vector<std::string> out;
  for (const config::TargetConfig& t : targets) out.push_back(t.name);
  return out;
}

TEST(GroupConfigTest, SentinelAndClusterBlocksAreRead) {
  config::Config c = Load(kGroups);
  ASSERT_EQ(c.targets.size(), 3u);
  ASSERT_TRUE(c.targets[1].sentinel);
  EXPECT_EQ(c.targets[1].sentinel->master_name, "mymaster");
  EXPECT_EQ(c.targets[1].sentinel->addresses.size(), 2u);
  EXPECT_EQ(c.targets[1].sentinel->addresses[1].port, 26380);
  EXPECT_EQ(c.targets[1].sentinel->interval, std::chrono::seconds(5));
  ASSERT_TRUE(c.targets[2].cluster);
  EXPECT_EQ(c.targets[2].cluster->interval, config::kDefaultDiscoveryInterval);
  EXPECT_FALSE(c.targets[0].IsGroup());
}

TEST(GroupConfigTest, ErrorsNameFileLineAndKeyAllAtOnce) {
  config::LoadResult r = config::LoadConfigText(
      R"(targets:
  - name: a
    address: 127.0.0.1:6379
    cluster: {seeds: [127.0.0.1:7000]}
  - name: b
    sentinel: {addresses: [], master_name: m}
  - name: c
    sentinel: {addresses: ["redis://:pw@127.0.0.1:1"]}
  - name: d
)",
      "m.yml", [](std::string_view) { return std::optional<std::string>(); });
  ASSERT_FALSE(r.ok());
  std::vector<std::string> lines;
  for (const config::ConfigError& e : r.errors) lines.push_back(e.ToString());
  EXPECT_THAT(lines, ElementsAre(HasSubstr("m.yml:4:14: targets[0].cluster: a target is one of"),
                                 HasSubstr("m.yml:6:27: targets[1].sentinel.addresses: expected at "
                                           "least one host:port"),
                                 HasSubstr("m.yml:8:15: targets[2].sentinel.master_name: missing"),
                                 HasSubstr("m.yml:8:28: targets[2].sentinel.addresses[0]: expected "
                                           "host:port without credentials"),
                                 HasSubstr("m.yml:9:5: targets[3].address: missing")));
  for (const std::string& line : lines) EXPECT_THAT(line, ::testing::Not(HasSubstr("pw")));
}

TEST(ExpandGroupsTest, AGroupBecomesItsNodesInheritingItsSettings) {
  config::Config c = Load(kGroups);
  DiscoveredGroups found;
  found["orders"] = {Node("127.0.0.1", 6380, "primary"), Node("::1", 6381, "replica")};
  std::vector<config::TargetConfig> groups = ExpandGroups(c.targets, found);
  EXPECT_THAT(Names(groups), ElementsAre("orders", "sessions"));
  EXPECT_THAT(Names(c.targets), ElementsAre("plain", "orders/127.0.0.1:6380", "orders/[::1]:6381"));
  const config::TargetConfig& node = c.targets[1];
  EXPECT_FALSE(node.IsGroup());
  EXPECT_EQ(node.endpoint.port, 6380);
  EXPECT_EQ(node.group, "orders");
  EXPECT_EQ(node.role, "primary");
  EXPECT_EQ(node.discovered_by, "sentinel");
  ASSERT_TRUE(node.password);
  EXPECT_EQ(node.password->Reveal(), "node-secret");
  EXPECT_EQ(node.checks, groups[0].checks);
  EXPECT_EQ(node.display_address, "127.0.0.1:6380");
}

TEST(TargetSourceTest, DiscoveredNodesApplyOnlyWhenTheyChange) {
  metrics::MetricsStore store("test");
  TargetSource source(&store);
  config::Config running = source.SetBase(Load(kGroups), 0);
  EXPECT_THAT(Names(running.targets), ElementsAre("plain"));
  EXPECT_THAT(Names(source.groups()), ElementsAre("orders", "sessions"));

  std::optional<config::Config> next = source.SetDiscovered(
      "sessions",
      {Node("127.0.0.1", 7000, "primary", "0-5460"), Node("127.0.0.1", 7001, "replica", "0-5460")});
  ASSERT_TRUE(next);
  EXPECT_THAT(Names(next->targets),
              ElementsAre("plain", "sessions/127.0.0.1:7000", "sessions/127.0.0.1:7001"));
  EXPECT_EQ(next->targets[1].shard, "0-5460");
  EXPECT_FALSE(source.SetDiscovered("sessions", {Node("127.0.0.1", 7000, "primary", "0-5460"),
                                                 Node("127.0.0.1", 7001, "replica", "0-5460")}));
  EXPECT_FALSE(source.SetDiscovered("nope", {Node("127.0.0.1", 1, "primary")}));

  // A reload keeps what was found for the groups that stay.
  config::Config reloaded = source.SetBase(Load(kGroups), 0);
  EXPECT_EQ(reloaded.targets.size(), 3u);
}

TEST(TargetSourceTest, AGroupOutsideTheShardIsNeitherDiscoveredNorPolled) {
  metrics::MetricsStore store("test");
  for (uint64_t index = 0; index < 2; ++index) {
    TargetSource source(&store);
    source.SetBase(
        Load(std::string(kGroups) + "shard: {index: " + std::to_string(index) + ", count: 2}\n"),
        0);
    for (const config::TargetConfig& g : source.groups()) {
      EXPECT_TRUE(InShard(g.name, config::ShardConfig{index, 2}));
    }
  }
}

}  // namespace group_nodes_test
}  // namespace memwatch::app
