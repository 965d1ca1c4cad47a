// PollProcessor across a reload: results polled under the old target list
// must never be booked to another target.
#include "app/poll_processor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace memwatch::app {
namespace poll_processor_test {

using ::testing::HasSubstr;
using ::testing::Not;

config::Config WithTargets(const std::vector<std::string>& names) {
  config::Config c;
  for (const std::string& n : names) {
    config::TargetConfig t;
    t.name = n;
    t.endpoint.host = "127.0.0.1";
    c.targets.push_back(t);
  }
  return c;
}

poller::PollResult Result(size_t index, const std::string& name, int64_t used_memory) {
  poller::PollResult r;
  r.target_index = index;
  r.target_name = name;
  r.info = "# Memory\r\nused_memory:" + std::to_string(used_memory) + "\r\n";
  return r;
}

std::string Text(const metrics::MetricsStore& store) {
  std::ostringstream out;
  store.WriteText(out);
  return out.str();
}

TEST(PollProcessorTest, AResultFromBeforeAReloadIsNotBookedToAnotherTarget) {
  metrics::MetricsStore store("test");
  PollProcessor processor(WithTargets({"a", "b"}), &store);
  processor.Process(Result(1, "b", 2000), WallTime{});
  // Reload drops "a": "b" moves to index 0. The poller applies its new list
  // asynchronously, so a poll of "a" (old index 0) may still come in.
  processor.Reconfigure(WithTargets({"b"}));
  processor.Process(Result(0, "a", 111111), WallTime{});
  const std::string text = Text(store);
  EXPECT_THAT(text, Not(HasSubstr("111111")));
  EXPECT_THAT(text, HasSubstr("redis_memory_used_bytes{target=\"b\"} 2000"));
  // Results under the new list are booked as usual.
  processor.Process(Result(0, "b", 3000), WallTime{});
  EXPECT_THAT(Text(store), HasSubstr("redis_memory_used_bytes{target=\"b\"} 3000"));
}

// ---- Alerts and adaptive polling -------------------------------------------

config::Config WithWebhook(const std::vector<std::string>& names) {
  config::Config c = WithTargets(names);
  alerting::ReceiverConfig r;
  r.name = "hook";
  r.min_severity = Severity::kCritical;
  r.checks = {"oom_rejections"};
  r.settings = alerting::WebhookSettings{Secret("http://127.0.0.1:1/hook"), {}};
  c.alerting.receivers.push_back(r);
  return c;
}

// A noeviction Redis at `used` of a 1,000,000-byte maxmemory that has
// rejected `oom` writes so far.
poller::PollResult Full(const std::string& name, int64_t used, int oom, int64_t at_ms) {
  poller::PollResult r;
  r.target_name = name;
  r.finished = MonoTime(std::chrono::milliseconds(at_ms));
  r.started = r.finished;
  r.due = r.finished;
  r.info = "# Memory\r\nused_memory:" + std::to_string(used) +
           "\r\nmaxmemory:1000000\r\nmaxmemory_policy:noeviction\r\n"
           "# Errorstats\r\nerrorstat_OOM:count=" +
           std::to_string(oom) + "\r\n";
  return r;
}

struct Recorded {
  std::vector<alerting::Notification> notifications;
  std::vector<std::pair<std::string, std::optional<Duration>>> intervals;
};

// Feeds `result` to `processor` and keeps every effect in `rec`.
void Process(PollProcessor& processor, const poller::PollResult& result, Recorded* rec) {
  PollEffects e = processor.Process(result, WallTime{});
  for (auto& n : e.notifications) rec->notifications.push_back(std::move(n));
  for (auto& i : e.intervals) rec->intervals.push_back(std::move(i));
}

TEST(PollProcessorTest, TheFirstRejectionIsNotifiedAtOnceAndPollingGoesFast) {
  metrics::MetricsStore store("test");
  Recorded rec;
  PollProcessor processor(WithWebhook({"r"}), &store);
  Process(processor, Full("r", 500000, 0, 1000), &rec);
  EXPECT_TRUE(rec.intervals.empty());
  Process(processor, Full("r", 950000, 0, 2000), &rec);
  ASSERT_EQ(rec.intervals.size(), 1u);
  EXPECT_EQ(rec.intervals[0].second, std::chrono::milliseconds(250));
  EXPECT_TRUE(processor.FastPolling("r"));
  EXPECT_TRUE(rec.notifications.empty());
  Process(processor, Full("r", 990000, 3, 2250), &rec);
  ASSERT_EQ(rec.notifications.size(), 1u);
  EXPECT_EQ(rec.notifications[0].receiver, "hook");
  EXPECT_EQ(rec.notifications[0].target, "r");
  ASSERT_EQ(rec.notifications[0].alerts.size(), 1u);
  EXPECT_EQ(rec.notifications[0].alerts[0].check, "oom_rejections");
}

TEST(PollProcessorTest, RoomAgainEndsFastPolling) {
  metrics::MetricsStore store("test");
  Recorded rec;
  PollProcessor processor(WithWebhook({"r"}), &store);
  Process(processor, Full("r", 950000, 0, 1000), &rec);
  ASSERT_TRUE(processor.FastPolling("r"));
  Process(processor, Full("r", 100000, 0, 2000), &rec);
  EXPECT_FALSE(processor.FastPolling("r"));
  ASSERT_EQ(rec.intervals.size(), 2u);
  EXPECT_EQ(rec.intervals[1].second, std::nullopt);
}

TEST(PollProcessorTest, ARemovedTargetsAlertsAreForgottenSilently) {
  metrics::MetricsStore store("test");
  Recorded rec;
  PollProcessor processor(WithWebhook({"r", "s"}), &store);
  Process(processor, Full("r", 500000, 0, 1000), &rec);
  Process(processor, Full("r", 990000, 5, 2000), &rec);
  ASSERT_EQ(rec.notifications.size(), 1u);
  processor.Reconfigure(WithWebhook({"s"}));
  Process(processor, Full("s", 100, 0, 3000), &rec);
  EXPECT_EQ(rec.notifications.size(), 1u);  // no "resolved" for a removed target
}

// A replica is compared with its primary when both are watched: the
// primary's maxmemory from its last poll reaches the replica's findings.
TEST(PollProcessorTest, AReplicaIsComparedWithItsWatchedPrimary) {
  config::Config c = WithWebhook({"p", "r"});
  c.targets[0].endpoint.port = 7000;
  c.targets[1].endpoint.port = 7001;
  c.alerting.receivers[0].min_severity = Severity::kWarning;
  c.alerting.receivers[0].checks = {"memory_high"};
  metrics::MetricsStore store("test");
  PollProcessor processor(c, &store);
  Recorded rec;
  poller::PollResult primary = Full("p", 100000, 0, 1000);
  primary.target_index = 0;
  primary.info = "# Memory\r\nused_memory:100000\r\nmaxmemory:3000000\r\n";
  Process(processor, primary, &rec);
  poller::PollResult replica = Full("r", 990000, 0, 1000);
  replica.target_index = 1;
  replica.info += "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:7000\r\n";
  Process(processor, replica, &rec);
  ASSERT_FALSE(rec.notifications.empty());
  const alerting::Notification& n = rec.notifications.back();
  ASSERT_EQ(n.target, "r");
  ASSERT_FALSE(n.alerts.empty());
  EXPECT_THAT(n.alerts.front().summary,
              HasSubstr("(its primary p has maxmemory 2.9 MiB, more than this replica's "
                        "maxmemory 977 KiB: the replica runs out first)"));
}

// ---- A Sentinel group's data set across a failover ------------------------

// Sentinel group "orders" with primary `primary` and replica `replica`;
// time_to_full goes critical within 45 minutes, and only it reaches the
// receiver.
config::Config Orders(const std::string& primary, const std::string& replica) {
  config::Config c = WithWebhook({});
  for (const auto& [address, role] : {std::pair{primary, "primary"}, {replica, "replica"}}) {
    config::TargetConfig t;
    t.name = "orders/" + address;
    t.display_address = address;
    t.endpoint.host = "127.0.0.1";
    t.group = "orders";
    t.discovered_by = "sentinel";
    t.role = role;
    c.targets.push_back(t);
  }
  c.checks["time_to_full"].params["critical"] = 45 * 60;
  c.alerting.receivers[0].min_severity = Severity::kWarning;
  c.alerting.receivers[0].checks = {"time_to_full"};
  return c;
}

// 1 MiB a minute from 30 MiB into a 100 MiB maxmemory: full 70 minutes in,
// a warning from minute 10, critical from minute 25.
poller::PollResult Growing(const std::string& address, int at_s) {
  poller::PollResult r = Full("orders/" + address, 0, 0, at_s * 1000);
  r.info =
      "# Memory\r\nused_memory:" + std::to_string((30 * 60 + int64_t{at_s}) * 1024 * 1024 / 60) +
      "\r\nmaxmemory:104857600\r\nmaxmemory_policy:noeviction\r\n"
      "# Replication\r\nrole:master\r\n";
  return r;
}

// The trend is the group's: the new primary's first polls go on with it
// (its own history is empty), the alert stays the group's, with no
// resolved and no second warning, and each message names the node.
TEST(PollProcessorTest, ASentinelGroupsTimeToFullGoesOnAcrossAFailoverUnderTheGroupsName) {
  metrics::MetricsStore store("test");
  store.SetTargetPlacements(  // as TargetSource does
      {{"orders/127.0.0.1:6380", {"orders", "", "sentinel", "primary"}},
       {"orders/127.0.0.1:6381", {"orders", "", "sentinel", "replica"}}});
  const std::string group_series =
      "redis_memwatch_group_finding{group=\"orders\",check=\"time_to_full\",severity=";
  PollProcessor processor(Orders("127.0.0.1:6380", "127.0.0.1:6381"), &store);
  Recorded rec;
  for (int at = 0; at <= 1470; at += 10) Process(processor, Growing("127.0.0.1:6380", at), &rec);
  EXPECT_THAT(Text(store), HasSubstr(group_series + "\"warning\"} 1\n"));
  ASSERT_EQ(rec.notifications.size(), 1u);
  const alerting::Notification warning = rec.notifications[0];
  EXPECT_EQ(warning.target, "orders");  // not the node's: it would repeat per node
  ASSERT_EQ(warning.alerts.size(), 1u);
  EXPECT_EQ(warning.alerts[0].severity, Severity::kWarning);
  EXPECT_THAT(warning.alerts[0].summary, HasSubstr("measured on the primary, 127.0.0.1:6380"));

  processor.Reconfigure(Orders("127.0.0.1:6381", "127.0.0.1:6380"));  // a failover
  rec.notifications.clear();
  for (int at = 1480; at <= 1510; at += 10) Process(processor, Growing("127.0.0.1:6381", at), &rec);
  // The old primary, now a replica, feeds nothing and alerts nothing.
  Process(processor, Growing("127.0.0.1:6380", 1515), &rec);
  ASSERT_EQ(rec.notifications.size(), 1u);
  const alerting::Notification& critical = rec.notifications[0];
  EXPECT_EQ(critical.target, "orders");
  ASSERT_EQ(critical.alerts.size(), 1u);
  EXPECT_FALSE(critical.alerts[0].resolved);
  EXPECT_EQ(critical.alerts[0].severity, Severity::kCritical);
  EXPECT_THAT(critical.alerts[0].summary, HasSubstr("measured on the primary, 127.0.0.1:6381"));
  EXPECT_EQ(critical.alerts[0].started_at, warning.alerts[0].started_at);
  // The group's series, for Prometheus rules, follows the same history.
  EXPECT_THAT(Text(store), HasSubstr(group_series + "\"critical\"} 1\n"));
  EXPECT_THAT(Text(store), HasSubstr(group_series + "\"warning\"} 0\n"));
  // Each node's own forecast is still in its metrics.
  EXPECT_THAT(Text(store),
              HasSubstr("redis_memwatch_time_to_full_seconds{target=\"orders/127.0.0.1:6380\"}"));
}

}  // namespace poll_processor_test
}  // namespace memwatch::app

namespace memwatch::app {
namespace poll_processor_health_test {

// What a poll tells the keyspace sampler: the key count, the role, memory
// pressure, and "slow" only while command_timeouts is active AND this poll
// itself was slow (not for as long as the finding is held).
TEST(HealthOfTest, SlowOnlyWhileThisPollIsSlowAndTheFindingActive) {
  poller::PollResult r;
  r.started = MonoTime{};
  r.finished = r.started + std::chrono::milliseconds(250);
  Snapshot s;
  s.role = "master";
  s.used_memory = 960;
  s.keyspace["db0"] = KeyspaceDb{.keys = 30, .expires = 10};
  s.keyspace["db1"] = KeyspaceDb{.keys = 12, .expires = 0};
  const std::vector<Finding> slow{{.check = "command_timeouts"}};
  const EffectiveLimit limit{.bytes = 1000};

  PolledHealth h = HealthOf("r", slow, r, &s, limit);
  EXPECT_EQ(h.target, "r");
  EXPECT_TRUE(h.slow);
  EXPECT_FALSE(h.down);
  EXPECT_EQ(h.replica, false);
  EXPECT_EQ(h.keys, 42u);
  EXPECT_TRUE(h.near_limit);

  EXPECT_FALSE(HealthOf("r", {}, r, &s, limit).slow) << "no finding";
  r.finished = r.started + std::chrono::milliseconds(5);
  EXPECT_FALSE(HealthOf("r", slow, r, &s, limit).slow) << "the finding is held, Redis is fast";
  r.failure = PollFailure::kTimeout;
  h = HealthOf("r", slow, r, nullptr, std::nullopt);
  EXPECT_TRUE(h.down);
  EXPECT_FALSE(h.slow);
  EXPECT_FALSE(h.keys.has_value());
  EXPECT_FALSE(h.replica.has_value());
}

}  // namespace poll_processor_health_test
}  // namespace memwatch::app
