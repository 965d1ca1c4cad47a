// Cluster discovery end to end (issue 15): a real 3-primary, 3-replica Redis
// Cluster and the daemon configured with one seed. It polls all six nodes,
// labelled with their shards; a shard filled through one hash tag to its
// maxmemory is named (its nodes' memory findings, and the group's
// cluster_shard_near_limit, which names `{fill}:*` from the keyspace
// sample as what weighs most on it) while the other shards stay clear; and a
// primary paused with SIGSTOP is followed: its replica's promotion shows in
// target_info seconds after the cluster's own switch; and with its only
// seed stopped, discovery goes on through the nodes it found.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_cluster.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace cluster_test {

using ::testing::HasSubstr;
using ::testing::Not;
using Ms = std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kGroup[] = "shop";

struct NodeInfo {
  std::string role;
  std::string shard;
};

// target_info of the group's nodes, by port.
std::map<int, NodeInfo> Discovered(DaemonProcess& d) {
  static const std::regex kInfo(
      R"re(redis_memwatch_target_info\{target="shop/127\.0\.0\.1:(\d+)",group="shop",role="(\w*)",shard="([^"]*)",discovered_by="cluster"\} 1)re");
  std::map<int, NodeInfo> out;
  const std::string m = d.Metrics();
  for (auto it = std::sregex_iterator(m.begin(), m.end(), kInfo); it != std::sregex_iterator();
       ++it) {
    out[std::stoi((*it)[1])] = {(*it)[2], (*it)[3]};
  }
  return out;
}

std::string Target(int port) { return std::string(kGroup) + "/127.0.0.1:" + std::to_string(port); }

// Whether any severity of `check` is active on the node at `port`.
bool Active(DaemonProcess& d, int port, const std::string& check) {
  for (const char* sev : {"warning", "critical"}) {
    const std::string s = "redis_memwatch_finding{target=\"" + Target(port) + "\",check=\"" +
                          check + "\",severity=\"" + sev + "\"}";
    if (d.Value(s) == 1.0) return true;
  }
  return false;
}

Ms Since(Clock::time_point t) { return std::chrono::duration_cast<Ms>(Clock::now() - t); }

std::string Config(int seed, const HttpReceiver& hook) {
  return "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntimeout: 500ms\ntargets:\n  - name: shop\n"
         "    cluster: {seeds: ['127.0.0.1:" +
         std::to_string(seed) +
         "'], interval: 1s}\n"
         // A cycle a second: the shard's sample sees the hash tag within seconds.
         "keyspace: {interval: 1s}\n"
         "receivers:\n  - name: hook\n    type: webhook\n    url: " +
         hook.Url() + "\n";
}

// The webhook alert about the group `check` fired with, or null.
nlohmann::json GroupAlert(const HttpReceiver& hook, const std::string& check) {
  for (const HttpReceiver::Request& r : hook.Requests()) {
    const nlohmann::json body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_discarded() || body.value("target", "") != kGroup) continue;
    for (const nlohmann::json& a : body["alerts"]) {
      if (a.value("check", "") == check && a.value("status", "") == "firing") return a;
    }
  }
  return nullptr;
}

// (a) Six nodes, three shards of one primary and one replica each, roles
// as the cluster has them.
void ExpectSixNodesInThreeShards(DaemonProcess& d, RedisCluster& cluster) {
  std::map<int, NodeInfo> found;
  const auto start = Clock::now();
  // Six nodes in three shards (a replica that just joined is a slot-less
  // primary for a moment).
  auto settled = [&] {
    found = Discovered(d);
    std::set<std::string> labels;
    for (const auto& [port, node] : found) labels.insert(node.shard);
    return found.size() == 6 && labels.size() == 3;
  };
  ASSERT_TRUE(WaitFor(settled, Ms(15000))) << found.size() << " nodes\n" << d.Metrics() << d.Log();
  std::printf("[ measured ] daemon up -> 6 nodes in 3 shards in target_info: %lld ms\n",
              static_cast<long long>(Since(start).count()));
  std::map<std::string, std::multiset<std::string>> shards;
  for (size_t i = 0; i < cluster.size(); ++i) {
    const NodeInfo& n = found[cluster.Node(i).Port()];
    EXPECT_EQ(n.role, cluster.Role(i) == "master" ? "primary" : "replica") << i;
    shards[n.shard].insert(n.role);
  }
  EXPECT_EQ(shards.size(), 3u);
  for (const auto& [label, roles] : shards) {
    EXPECT_EQ(roles, (std::multiset<std::string>{"primary", "replica"})) << label;
  }
  EXPECT_EQ(found[cluster.PrimaryPortForKey("a")].role, "primary");
}

size_t IndexOf(RedisCluster& cluster, int port) {
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (cluster.Node(i).Port() == port) return i;
  }
  ADD_FAILURE() << "no node on port " << port;
  return 0;
}

// Whether the shard's keyspace sample (its replica's, standing in for the
// primary) has counted the keys of `{fill}` in a complete cycle.
bool SampledFill(DaemonProcess& d) {
  return d.Metrics().find("prefix=\"{fill}:*\"") != std::string::npos;
}

// (b) The shard of the hash tag {fill} filled past its maxmemory: its nodes'
// memory findings and the group's cluster_shard_near_limit name it, the
// latter with `{fill}:*` as what weighs most; the other shards' nodes stay
// clear and accept writes. Returns its primary.
int FillOneShard(DaemonProcess& d, RedisCluster& cluster, const HttpReceiver& hook) {
  for (size_t i = 0; i < cluster.size(); ++i) {
    EXPECT_EQ(cluster.Node(i).Cli({"CONFIG", "SET", "maxmemory", "20mb"}), "OK");
  }
  const int full = cluster.PrimaryPortForKey("{fill}:0");
  const std::string shard = Discovered(d)[full].shard;
  // Each EVAL writes ARGV[1] keys from ARGV[3] on; Redis checks maxmemory
  // at a script's first write only.
  const char* script =
      "for i = tonumber(ARGV[3]), tonumber(ARGV[3]) + tonumber(ARGV[1]) - 1 do "
      "redis.call('SET', '{fill}:' .. i, string.rep('x', tonumber(ARGV[2]))) end return 1";
  // Half first: the sampler backs off within 5 % of the limit, so the
  // sample that names the hash tag is taken before the shard is full.
  EXPECT_EQ(cluster.NodeOnPort(full)->Cli({"EVAL", script, "1", "{fill}:0", "100", "100000", "1"}),
            "1");
  const auto sampling = Clock::now();
  EXPECT_TRUE(WaitFor([&] { return SampledFill(d); }, Ms(10000))) << d.Metrics() << d.Log();
  std::printf("[ measured ] half filled -> {fill}:* in the shard's keyspace sample: %lld ms\n",
              static_cast<long long>(Since(sampling).count()));
  EXPECT_EQ(
      cluster.NodeOnPort(full)->Cli({"EVAL", script, "1", "{fill}:0", "100", "100000", "101"}),
      "1");
  EXPECT_THAT(cluster.NodeOnPort(full)->Cli({"SET", "{fill}:more", "1"}), HasSubstr("OOM"));
  std::string other_key = "a";
  while (cluster.PrimaryPortForKey(other_key) == full) other_key += "a";
  EXPECT_EQ(cluster.NodeOnPort(cluster.PrimaryPortForKey(other_key))->Cli({"SET", other_key, "1"}),
            "OK");
  const auto start = Clock::now();
  const std::string named = "cluster_shard_near_limit: shard " + shard + " (slots ";
  EXPECT_TRUE(WaitFor(
      [&] { return Active(d, full, "memory_high") && d.Log().find(named) != std::string::npos; },
      Ms(15000)))
      << d.Log();
  std::printf("[ measured ] shard filled -> memory_high and cluster_shard_near_limit: %lld ms\n",
              static_cast<long long>(Since(start).count()));
  nlohmann::json alert;
  EXPECT_TRUE(WaitFor([&] {
    return !(alert = GroupAlert(hook, "cluster_shard_near_limit")).is_null();
  })) << d.Log();
  std::printf("[ measured ] shard filled -> webhook alert for the group: %lld ms\n",
              static_cast<long long>(Since(start).count()));
  const std::string summary = alert.is_null() ? "" : alert.value("summary", "");
  EXPECT_THAT(summary, HasSubstr("shard " + shard + " (slots "));
  EXPECT_THAT(summary, HasSubstr("primary 127.0.0.1:" + std::to_string(full)));
  EXPECT_THAT(summary, HasSubstr("writes to those slots are rejected with OOM"));
  EXPECT_THAT(summary, HasSubstr("; weighing most: `{fill}:*` about "));
  EXPECT_EQ(alert.is_null() ? "" : alert.value("title", ""), "cluster shard near its memory limit");
  // The group's finding series, for Prometheus rules; the cluster is up.
  const std::string series = "redis_memwatch_group_finding{group=\"shop\",check=\"";
  EXPECT_EQ(d.Value(series + "cluster_shard_near_limit\",severity=\"warning\"}"), 1) << d.Metrics();
  EXPECT_EQ(d.Value(series + "cluster_state\",severity=\"critical\"}"), 0) << d.Metrics();
  // Each shard holds its own data: no data-set checks for the cluster.
  EXPECT_EQ(d.Metrics().find(series + "time_to_full\""), std::string::npos);
  for (const auto& [port, node] : Discovered(d)) {
    if (node.shard == shard) continue;
    EXPECT_FALSE(Active(d, port, "memory_high")) << port;
    EXPECT_FALSE(Active(d, port, "oom_rejections")) << port;
  }
  return full;
}

// (c) A primary (not the seed, not `avoid`) paused: its replica's promotion
// shows in target_info. Prints the delay after the cluster's own switch.
void FollowPromotion(DaemonProcess& d, RedisCluster& cluster, int seed, int avoid) {
  std::map<int, NodeInfo> found = Discovered(d);
  int primary = 0;
  int replica = 0;
  for (const auto& [port, node] : found) {
    if (node.role == "primary" && port != seed && port != avoid) primary = port;
  }
  ASSERT_NE(primary, 0);
  for (const auto& [port, node] : found) {
    if (node.role == "replica" && node.shard == found[primary].shard) replica = port;
  }
  ASSERT_NE(replica, 0);
  const size_t replica_index = IndexOf(cluster, replica);
  RedisServer& paused = *cluster.NodeOnPort(primary);
  paused.Pause();
  const auto start = Clock::now();
  std::optional<Ms> switched;
  std::optional<Ms> seen;
  const bool both = WaitFor(
      [&] {
        if (!switched && cluster.Role(replica_index) == "master") switched = Since(start);
        if (!seen && Discovered(d)[replica].role == "primary") seen = Since(start);
        return switched && seen;
      },
      Ms(30000));
  paused.Resume();
  ASSERT_TRUE(both) << "switched " << switched.has_value() << ", seen " << seen.has_value() << "\n"
                    << d.Log();
  std::printf(
      "[ measured ] SIGSTOP -> cluster switch %lld ms, -> target_info primary %lld ms "
      "(%lld ms after the switch)\n",
      static_cast<long long>(switched->count()), static_cast<long long>(seen->count()),
      static_cast<long long>((*seen - *switched).count()));
  EXPECT_LT(*seen - *switched, Ms(5000));
}

// (d) The only seed stopped: discovery goes on through the nodes found
// last, and the stopped node, flagged fail by the cluster, is dropped.
void SurviveTheSeed(DaemonProcess& d, RedisCluster& cluster) {
  RedisServer& seed = cluster.Node(0);
  const int port = seed.Port();
  seed.Stop();
  const auto start = Clock::now();
  EXPECT_TRUE(WaitFor([&] { return Discovered(d).count(port) == 0; }, Ms(20000))) << d.Log();
  std::printf("[ measured ] seed stopped -> dropped from target_info: %lld ms\n",
              static_cast<long long>(Since(start).count()));
  EXPECT_EQ(Discovered(d).size(), 5u);
  EXPECT_THAT(d.Log(), Not(HasSubstr("discovery failed"))) << d.Log();
}

TEST(ClusterTest, OneSeedFindsAllNodesNamesAFullShardFollowsAPromotionAndOutlivesTheSeed) {
  RedisCluster cluster(3, 1);
  const int seed = cluster.Node(0).Port();
  HttpReceiver hook;
  ASSERT_NE(hook.port(), 0) << hook.error();
  DaemonProcess d(Config(seed, hook));
  ASSERT_GT(d.WaitForPort(), 0) << d.Log();
  ExpectSixNodesInThreeShards(d, cluster);
  if (HasFailure()) return;
  const int full = FillOneShard(d, cluster, hook);
  FollowPromotion(d, cluster, seed, full);
  if (HasFailure()) return;
  SurviveTheSeed(d, cluster);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

}  // namespace cluster_test
}  // namespace memwatch::testing
