// Sentinel groups end to end: a real primary and replica, three real
// sentinels (down-after 2 s) and the built daemon with a webhook receiver.
// The daemon discovers both nodes with their roles, follows a failover
// (SENTINEL FAILOVER, and a primary stopped with SIGSTOP) within a second
// or two of the sentinels' switch, sends one `failover` notification and
// no flapping of the nodes' own checks, reports sentinel_quorum when
// sentinels die, and samples the keyspace on the replica for its primary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/sentinel_process.h"

namespace memwatch::testing {
namespace sentinel_test {

using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

// A primary, its replica and three sentinels that know each other.
struct Group {
  RedisServer primary;
  RedisServer replica{{"--replica-announce-ip", "127.0.0.1"}};
  std::vector<std::unique_ptr<SentinelProcess>> sentinels;

  Group() {
    replica.Cli({"REPLICAOF", "127.0.0.1", std::to_string(primary.Port())});
    if (!WaitFor([&] { return Info(primary, "connected_slaves:1"); }, seconds(10))) {
      throw std::runtime_error("replica did not connect");
    }
    for (int i = 0; i < 3; ++i) {
      sentinels.push_back(std::make_unique<SentinelProcess>(primary.Port()));
    }
    const bool known = WaitFor(
        [&] {
          for (const auto& s : sentinels) {
            const std::string m = s->Cli({"SENTINEL", "MASTER", "mymaster"});
            if (m.find("num-other-sentinels\n2\n") == std::string::npos ||
                m.find("num-slaves\n1\n") == std::string::npos) {
              return false;
            }
          }
          return true;
        },
        seconds(15));
    if (!known) throw std::runtime_error("sentinels did not find each other");
  }

  static bool Info(const RedisServer& r, const std::string& line) {
    return r.Cli({"INFO", "replication"}).find(line) != std::string::npos;
  }
  // The primary any sentinel names that differs from `was`, or "".
  std::string SwitchedFrom(const std::string& was) const {
    for (const auto& s : sentinels) {
      const std::string now = s->PrimaryAddress();
      if (!now.empty() && now != was) return now;
    }
    return "";
  }
};

std::string Addr(const RedisServer& r) { return "127.0.0.1:" + std::to_string(r.Port()); }

std::string Config(const Group& g, const HttpReceiver& hook) {
  std::string addresses;
  for (const auto& s : g.sentinels) addresses += (addresses.empty() ? "" : ", ") + s->Address();
  return "listen: \"127.0.0.1:0\"\n"
         "interval: 1s\n"
         "targets:\n"
         "  - name: orders\n"
         "    sentinel:\n"
         "      addresses: [" +
         addresses +
         "]\n"
         "      master_name: mymaster\n"
         "      interval: 5s\n"
         "receivers:\n"
         "  - name: hook\n"
         "    type: webhook\n"
         "    url: " +
         hook.Url() + "\n";
}

// target_info's role label of `node` ("orders/<addr>"), "" when absent.
std::string RoleOf(const std::string& metrics, const std::string& node) {
  size_t at = 0;
  const std::string target = "target=\"orders/" + node + "\"";
  while ((at = metrics.find("redis_memwatch_target_info{", at)) != std::string::npos) {
    const size_t end = metrics.find('}', at);
    const std::string labels = metrics.substr(at, end - at);
    at = end;
    if (labels.find(target) == std::string::npos) continue;
    if (labels.find("group=\"orders\"") == std::string::npos ||
        labels.find("discovered_by=\"sentinel\"") == std::string::npos) {
      return "?";
    }
    const size_t r = labels.find("role=\"");
    if (r == std::string::npos) return "?";
    return labels.substr(r + 6, labels.find('"', r + 6) - r - 6);
  }
  return "";
}

struct Alert {
  std::string target, check, status, severity, summary;
};

// The alerts of every notification received, each notification once (a
// delivery retried after a slow answer arrives twice with the same id).
std::vector<Alert> Alerts(const HttpReceiver& hook) {
  std::vector<Alert> out;
  std::set<std::string> ids;
  for (const HttpReceiver::Request& r : hook.Requests()) {
    const Json body = Json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !ids.insert(body.value("id", "")).second) continue;
    for (const Json& a : body["alerts"]) {
      out.push_back({body["target"], a["check"], a["status"], a["severity"], a["summary"]});
    }
  }
  return out;
}

int Count(const std::vector<Alert>& alerts, const std::string& target, const std::string& check,
          const std::string& status) {
  int n = 0;
  for (const Alert& a : alerts) n += a.target == target && a.check == check && a.status == status;
  return n;
}

std::string Dump(const std::vector<Alert>& alerts) {
  std::string s;
  for (const Alert& a : alerts) {
    s += a.target + " " + a.check + " " + a.status + " " + a.severity + ": " + a.summary + "\n";
  }
  return s;
}

// No node's check went resolved or fired twice.
void ExpectNoNodeFlapping(const std::vector<Alert>& alerts) {
  std::map<std::string, int> fired;
  for (const Alert& a : alerts) {
    if (a.target == "orders") continue;
    EXPECT_NE(a.status, "resolved") << Dump(alerts);
    if (a.status == "firing") {
      EXPECT_EQ(++fired[a.target + " " + a.check], 1) << Dump(alerts);
    }
  }
}

// Starts the daemon and waits until it shows both nodes with their roles.
int StartAndDiscover(DaemonProcess& d, const Group& g) {
  const int port = d.WaitForPort();
  EXPECT_GT(port, 0) << d.Log();
  EXPECT_TRUE(WaitFor(
      [&] {
        const std::string m = d.Metrics();
        return RoleOf(m, Addr(g.primary)) == "primary" && RoleOf(m, Addr(g.replica)) == "replica";
      },
      seconds(10)))
      << d.Metrics() << d.Log();
  return port;
}

double Seconds(steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(SentinelTest, DiscoversNodesAndFollowsAFailoverWithOneNotification) {
  Group g;
  HttpReceiver hook;
  DaemonProcess d(Config(g, hook));
  StartAndDiscover(d, g);

  const std::string was = Addr(g.primary);
  const std::string next = Addr(g.replica);
  ASSERT_EQ(g.sentinels[0]->Cli({"SENTINEL", "FAILOVER", "mymaster"}), "OK");
  std::optional<steady_clock::time_point> switched, followed;
  ASSERT_TRUE(WaitFor(
      [&] {
        if (!switched && g.SwitchedFrom(was) == next) switched = steady_clock::now();
        if (!followed && RoleOf(d.Metrics(), next) == "primary") followed = steady_clock::now();
        return switched && followed;
      },
      seconds(15)))
      << d.Log();
  const double lag = Seconds(*followed - *switched);
  std::printf("new primary in target_info %.3f s after a sentinel named it\n", lag);
  EXPECT_LT(lag, 2.0);

  // One failover notification, under the group's name.
  ASSERT_TRUE(WaitFor([&] { return Count(Alerts(hook), "orders", "failover", "firing") > 0; }))
      << Dump(Alerts(hook)) << d.Log();
  // ... and on the group's finding series, for Prometheus rules.
  EXPECT_EQ(d.Value("redis_memwatch_group_finding{group=\"orders\",check=\"failover\","
                    "severity=\"warning\"}"),
            1)
      << d.Metrics();
  // The group's data set has its series there too (quiet: nothing grows).
  EXPECT_EQ(d.Value("redis_memwatch_group_finding{group=\"orders\",check=\"time_to_full\","
                    "severity=\"critical\"}"),
            0)
      << d.Metrics();
  // The old primary stays polled, as a replica, through the seconds (up to
  // ~15) the sentinels take to reconfigure it.
  EXPECT_EQ(RoleOf(d.Metrics(), was), "replica") << d.Metrics();
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& s : g.sentinels) {
          if (s->PrimaryAddress() != next) return false;
        }
        return Group::Info(g.primary, "master_link_status:up");
      },
      seconds(30)))
      << d.Log();
  // More than one discovery round (interval 5 s) with both nodes in their
  // new roles: nothing may change.
  WaitFor([] { return false; }, seconds(6));  // an observation window, not synchronisation
  EXPECT_EQ(RoleOf(d.Metrics(), was), "replica") << d.Metrics();
  const std::vector<Alert> alerts = Alerts(hook);
  EXPECT_EQ(Count(alerts, "orders", "failover", "firing"), 1) << Dump(alerts);
  for (const Alert& a : alerts) {
    if (a.target == "orders" && a.check == "failover") {
      EXPECT_EQ(a.severity, "warning");
      EXPECT_THAT(a.summary,
                  ::testing::HasSubstr("orders: " + was + " failed, " + next + " promoted at "));
    }
  }
  EXPECT_EQ(Count(alerts, "orders", "sentinel_quorum", "firing"), 0) << Dump(alerts);
  ExpectNoNodeFlapping(alerts);
}

TEST(SentinelTest, FollowsTheFailoverOfAStoppedPrimary) {
  Group g;
  HttpReceiver hook;
  DaemonProcess d(Config(g, hook));
  StartAndDiscover(d, g);
  const std::string was = Addr(g.primary);
  const std::string next = Addr(g.replica);
  const auto stopped = steady_clock::now();
  g.primary.Pause();
  std::optional<steady_clock::time_point> switched, followed;
  const bool ok = WaitFor(
      [&] {
        if (!switched && g.SwitchedFrom(was) == next) switched = steady_clock::now();
        if (!followed && RoleOf(d.Metrics(), next) == "primary") followed = steady_clock::now();
        return switched && followed;
      },
      seconds(20));
  g.primary.Resume();
  ASSERT_TRUE(ok) << d.Log();
  std::printf("sentinels switched %.3f s after SIGSTOP; target_info followed %.3f s later\n",
              Seconds(*switched - stopped), Seconds(*followed - *switched));
  EXPECT_LT(Seconds(*followed - *switched), 2.0);
  EXPECT_TRUE(WaitFor([&] { return Count(Alerts(hook), "orders", "failover", "firing") == 1; }))
      << Dump(Alerts(hook));
}

// True once a sentinel_quorum alert of `severity` has fired for "orders".
bool QuorumAlert(const HttpReceiver& hook, const std::string& severity) {
  for (const Alert& a : Alerts(hook)) {
    if (a.target == "orders" && a.check == "sentinel_quorum" && a.severity == severity &&
        a.status == "firing") {
      return true;
    }
  }
  return false;
}

TEST(SentinelTest, ReportsSentinelQuorumAsSentinelsDie) {
  Group g;
  HttpReceiver hook;
  DaemonProcess d(Config(g, hook));
  StartAndDiscover(d, g);
  g.sentinels[2]->Kill();
  ASSERT_TRUE(WaitFor([&] { return QuorumAlert(hook, "warning"); }, seconds(15)))
      << Dump(Alerts(hook)) << d.Log();
  // Discovery still works: both nodes stay, and a new one would be found.
  const std::string m = d.Metrics();
  EXPECT_EQ(RoleOf(m, Addr(g.primary)), "primary");
  EXPECT_EQ(RoleOf(m, Addr(g.replica)), "replica");
  g.sentinels[1]->Kill();
  ASSERT_TRUE(WaitFor([&] { return QuorumAlert(hook, "critical"); }, seconds(15)))
      << Dump(Alerts(hook)) << d.Log();
  const std::string after = d.Metrics();
  EXPECT_EQ(RoleOf(after, Addr(g.primary)), "primary");
  EXPECT_EQ(RoleOf(after, Addr(g.replica)), "replica");
}

// Issue 16: the group's replica samples the keyspace for its primary, which
// is not sampled; the primary's findings name the prefix from the
// replica's sample, and say so.
TEST(SentinelTest, TheReplicaSamplesTheKeyspaceForItsPrimary) {
  Group g;
  // Written by a script, which replicates (DEBUG POPULATE does not); no TTL.
  g.primary.Cli({"EVAL", "for i = 1, 3000 do redis.call('SET', 'coupon:gen:' .. i, 'x') end", "0"});
  g.primary.Cli({"CONFIG", "SET", "maxmemory", "200mb"});
  ASSERT_TRUE(WaitFor([&] { return g.replica.Cli({"DBSIZE"}).find("3000") != std::string::npos; },
                      seconds(10)))
      << g.replica.Cli({"DBSIZE"});
  HttpReceiver hook;
  DaemonProcess d(Config(g, hook));
  StartAndDiscover(d, g);
  const std::string replica = "orders/" + Addr(g.replica);
  const std::string primary = "orders/" + Addr(g.primary);
  const std::string sampled = "redis_memwatch_keyspace_sampled_keys_total{target=\"";
  ASSERT_TRUE(
      WaitFor([&] { return d.Value(sampled + replica + "\"}").value_or(0) >= 3000; }, seconds(20)))
      << d.Metrics() << d.Log();
  EXPECT_FALSE(d.Value(sampled + primary + "\"}")) << d.Metrics();
  // eviction_ineffective on the primary names the prefix the replica saw
  // (the policy set once the sample is in: a finding raised before has no
  // names to give until its reminder).
  g.primary.Cli({"CONFIG", "SET", "maxmemory-policy", "volatile-lru"});
  auto named = [&] {
    for (const HttpReceiver::Request& r : hook.Requests()) {
      const Json body = Json::parse(r.body, nullptr, false);
      if (body.is_discarded() || body.value("target", "") != primary) continue;
      for (const Json& a : body["alerts"]) {
        if (a["check"] != "eviction_ineffective" ||
            a["summary"].get<std::string>().find("coupon:gen:*") == std::string::npos) {
          continue;
        }
        for (const Json& e : a["evidence"]) {
          if (e["value"].get<std::string>().find("on replica " + replica) != std::string::npos) {
            return true;
          }
        }
      }
    }
    return false;
  };
  ASSERT_TRUE(WaitFor(named, seconds(20))) << Dump(Alerts(hook)) << d.Log();
}

}  // namespace sentinel_test
}  // namespace memwatch::testing
