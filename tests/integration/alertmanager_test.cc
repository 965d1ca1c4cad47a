// The daemon's `alertmanager` receiver against Debian's real
// prometheus-alertmanager on loopback, with a real webhook receiver behind
// it: the v2 API carries the labels and annotations rules and routes rely
// on; two daemons in front of a clustered pair give one notification; and
// an Alertmanager that is down loses nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/alertmanager.h"
#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace alertmanager_test {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kTarget[] = "coupon-redis";

// A daemon config: one target, one `alertmanager` receiver named "am".
std::string Config(const std::string& state_dir, int redis_port,
                   const std::vector<std::string>& am_urls) {
  std::string urls;
  for (const std::string& u : am_urls) urls += (urls.empty() ? "" : ", ") + u;
  return "listen: \"127.0.0.1:0\"\nstate_dir: " + state_dir + "\ntargets:\n  - name: " + kTarget +
         "\n    address: 127.0.0.1:" + std::to_string(redis_port) +
         "\nreceivers:\n  - name: am\n    type: alertmanager\n    urls: [" + urls + "]\n";
}

// The webhook bodies Alertmanager posted (version 4 of its webhook format).
std::vector<Json> Notifications(const HttpReceiver& hook) {
  std::vector<Json> out;
  for (const HttpReceiver::Request& r : hook.Requests()) {
    Json j = Json::parse(r.body, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

// Firing notifications per alert group ("alertname/target").
std::map<std::string, int> FiringPerGroup(const HttpReceiver& hook) {
  std::map<std::string, int> count;
  for (const Json& n : Notifications(hook)) {
    if (n.value("status", "") != "firing") continue;
    const Json& g = n["groupLabels"];
    ++count[g.value("alertname", "") + "/" + g.value("target", "")];
  }
  return count;
}

// Groups ("alertname/target") of the alerts an Alertmanager holds for kTarget.
std::set<std::string> HeldGroups(const Alertmanager& am) {
  std::set<std::string> groups;
  for (const Json& a : am.Alerts()) {
    const Json& l = a["labels"];
    if (l.value("target", "") == kTarget) groups.insert(l.value("alertname", "") + "/" + kTarget);
  }
  return groups;
}

std::string Dump(const HttpReceiver& hook) {
  std::string out;
  for (const Json& n : Notifications(hook)) out += n.dump() + "\n";
  return out;
}

size_t FilesIn(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".json") ++n;
  }
  return n;
}

// The notification metrics of receiver "am".
constexpr char kQueueLength[] = "redis_memwatch_notification_queue_length{receiver=\"am\"}";
constexpr char kRetried[] =
    "redis_memwatch_notifications_total{receiver=\"am\",result=\"retried\"}";
constexpr char kSent[] = "redis_memwatch_notifications_total{receiver=\"am\",result=\"sent\"}";

TEST(AlertmanagerTest, V2ApiCarriesLabelsAndAnnotationsToTheWebhookBehindIt) {
  // Stock Redis (maxmemory 0, noeviction): warning findings at the first poll.
  RedisServer redis;
  HttpReceiver hook;
  ASSERT_NE(hook.port(), 0) << hook.error();
  Alertmanager am({.webhook_url = hook.Url()});
  ScopedTempDir state;
  DaemonProcess d(Config(state.path(), redis.Port(), {am.Url()}));

  ASSERT_TRUE(PollUntil([&] { return !FiringPerGroup(hook).empty(); }, seconds(20)))
      << d.Log() << am.Log();
  const Json n = Notifications(hook).front();
  EXPECT_EQ(n.value("receiver", ""), "hook");
  EXPECT_EQ(n.value("status", ""), "firing");
  ASSERT_TRUE(n.contains("alerts") && !n["alerts"].empty()) << n.dump(2);
  for (const Json& a : n["alerts"]) {
    SCOPED_TRACE(a.dump(2));
    const Json& labels = a["labels"];
    const std::string check = labels.value("check", "");
    EXPECT_FALSE(check.empty());
    EXPECT_THAT(labels.value("alertname", ""), StartsWith("RedisMemwatch"));
    EXPECT_EQ(labels.value("target", ""), kTarget);
    EXPECT_EQ(labels.value("severity", ""), "warning");
    EXPECT_FALSE(labels.contains("test"));
    const Json& annotations = a["annotations"];
    EXPECT_THAT(annotations.value("summary", ""), Not(IsEmpty()));
    EXPECT_THAT(annotations.value("description", ""), Not(IsEmpty()));
    EXPECT_THAT(annotations.value("runbook_url", ""), HasSubstr(check));
    EXPECT_EQ(a.value("status", ""), "firing");
    EXPECT_THAT(a.value("startsAt", ""), Not(StartsWith("0001")));
  }
  // Alertmanager keeps the daemon's endsAt (the webhook shows firing alerts
  // without one): in the future, so it does not resolve them on its own
  // before the next re-post. RFC 3339 UTC strings compare as times.
  const Json held = am.Alerts();
  ASSERT_FALSE(held.empty()) << am.Log();
  for (const Json& a : held) {
    SCOPED_TRACE(a.dump(2));
    EXPECT_EQ(a["status"].value("state", ""), "active");
    EXPECT_GT(a.value("endsAt", ""), a.value("updatedAt", ""));
  }
  // The daemon saw the 2xx (Alertmanager may post to the webhook before
  // the daemon has read that answer) and emptied its outbox.
  EXPECT_TRUE(PollUntil([&] { return d.Value(kSent) >= 1.0 && d.Value(kQueueLength) == 0.0; }))
      << d.Log() << d.Metrics();
  EXPECT_EQ(FilesIn(state.path() + "/outbox"), 0u);
}

TEST(AlertmanagerTest, TwoDaemonsAndAClusteredPairGiveOneNotificationPerGroup) {
  constexpr milliseconds kPeerTimeout{1000};
  RedisServer redis;
  HttpReceiver hook;
  ASSERT_NE(hook.port(), 0) << hook.error();
  Alertmanager am1({.webhook_url = hook.Url(), .cluster = true, .peer_timeout = kPeerTimeout});
  const std::string seed = am1.ClusterAddress();
  ASSERT_FALSE(seed.empty()) << am1.Log();
  Alertmanager am2(
      {.webhook_url = hook.Url(), .cluster = true, .peer = seed, .peer_timeout = kPeerTimeout});
  ASSERT_TRUE(PollUntil([&] { return am1.ClusterSize() == 2 && am2.ClusterSize() == 2; }))
      << am1.Log() << am2.Log();
  // Notifications wait for the gossip to settle: start the daemons after,
  // so the time bounds below are about de-duplication only.
  ASSERT_TRUE(am1.WaitSettled()) << am1.Log();
  ASSERT_TRUE(am2.WaitSettled()) << am2.Log();

  // Both daemons watch the same Redis under the same name. The notifier
  // posts to its URLs in turn until one accepts, so each daemon lists a
  // different peer first: each Alertmanager then holds the alert, as it
  // would if every daemon posted to every peer, and the pair must
  // de-duplicate through its gossiped notification log.
  ScopedTempDir state1, state2;
  DaemonProcess d1(Config(state1.path(), redis.Port(), {am1.Url(), am2.Url()}));
  DaemonProcess d2(Config(state2.path(), redis.Port(), {am2.Url(), am1.Url()}));

  // Every group either peer holds has been notified.
  std::set<std::string> held;
  ASSERT_TRUE(PollUntil(
      [&] {
        const std::set<std::string> h1 = HeldGroups(am1), h2 = HeldGroups(am2);
        if (h1.empty() || h1 != h2) return false;
        const std::map<std::string, int> sent = FiringPerGroup(hook);
        for (const std::string& g : h1) {
          if (!sent.contains(g)) return false;
        }
        held = h1;
        return true;
      },
      seconds(20)))
      << "am1 holds " << am1.Alerts().dump() << "\nam2 holds " << am2.Alerts().dump()
      << "\nnotifications:\n"
      << Dump(hook) << d1.Log() << d2.Log() << am1.Log() << am2.Log();

  // The second peer sends only after waiting its position x peer_timeout
  // and finding nothing in its notification log (gossiped from the first).
  // Watched until each peer has looked up its log twice more per group
  // (group_interval 1 s: every group checked again after the notification)
  // and every notification either peer attempted has reached the hook: a
  // duplicate would be among them.
  constexpr char kQueries[] = "alertmanager_nflog_queries_total";
  constexpr char kAttempts[] = "alertmanager_notifications_total{integration=\"webhook\"}";
  const double queries1 = am1.Metric(kQueries).value_or(0);
  const double queries2 = am2.Metric(kQueries).value_or(0);
  const double more = 2.0 * static_cast<double>(held.size());
  double attempts = 0;
  ASSERT_TRUE(PollUntil(
      [&] {
        attempts = am1.Metric(kAttempts).value_or(0) + am2.Metric(kAttempts).value_or(0);
        return am1.Metric(kQueries).value_or(0) >= queries1 + more &&
               am2.Metric(kQueries).value_or(0) >= queries2 + more &&
               static_cast<double>(Notifications(hook).size()) >= attempts;
      },
      seconds(20)))
      << "notification log lookups or attempted notifications did not come\n"
      << am1.Log() << am2.Log();
  const std::map<std::string, int> sent = FiringPerGroup(hook);
  EXPECT_EQ(sent.size(), held.size()) << Dump(hook);
  for (const auto& [group, count] : sent) EXPECT_EQ(count, 1) << group << "\n" << Dump(hook);
  EXPECT_EQ(attempts, static_cast<double>(held.size())) << Dump(hook);
}

TEST(AlertmanagerTest, AlertmanagerDownThenUpDeliversWhatWaitedInTheOutbox) {
  RedisServer redis;
  HttpReceiver hook;
  ASSERT_NE(hook.port(), 0) << hook.error();
  ScopedTempDir state;
  // Ports cannot be reserved: pick one nothing listens on now and start the
  // Alertmanager there later (another process taking it meanwhile would
  // make the start fail loudly, not the test pass wrongly).
  const int am_port = FreeLoopbackPort();
  const std::string am_url = "http://127.0.0.1:" + std::to_string(am_port);
  DaemonProcess d(Config(state.path(), redis.Port(), {am_url}));

  // Refused connections: queued, on disk, retried; polling goes on.
  ASSERT_TRUE(PollUntil([&] { return d.Value(kQueueLength) >= 1.0 && d.Value(kRetried) >= 1.0; },
                        seconds(15)))
      << d.Log() << d.Metrics();
  EXPECT_GE(FilesIn(state.path() + "/outbox"), 1u) << d.Log();
  EXPECT_EQ(d.Value("redis_up{target=\"coupon-redis\"}"), 1.0);
  const std::optional<double> polls_before =
      d.Value("redis_memwatch_probe_duration_seconds_count{target=\"coupon-redis\"}");
  ASSERT_TRUE(polls_before.has_value()) << d.Metrics();
  EXPECT_TRUE(PollUntil(
      [&] {
        return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"coupon-redis\"}") >
               *polls_before;
      },
      seconds(5)))
      << d.Log();
  EXPECT_TRUE(FiringPerGroup(hook).empty());

  Alertmanager am({.webhook_url = hook.Url(), .web_port = am_port});
  // Retries back off 1 s, 2 s, 4 s ... (jittered); a few attempts in, the
  // next one comes within about 8 s.
  ASSERT_TRUE(PollUntil([&] { return !FiringPerGroup(hook).empty(); }, seconds(20)))
      << d.Log() << am.Log();
  const auto notifications = Notifications(hook);
  for (const Json& a : notifications.front()["alerts"]) {
    EXPECT_EQ(a["labels"].value("target", ""), kTarget);
  }
  EXPECT_TRUE(PollUntil([&] { return d.Value(kQueueLength) == 0.0 && d.Value(kSent) >= 1.0; }))
      << d.Log() << d.Metrics();
  EXPECT_EQ(FilesIn(state.path() + "/outbox"), 0u);
  EXPECT_EQ(FilesIn(state.path() + "/failed"), 0u);
  EXPECT_EQ(d.Value("redis_up{target=\"coupon-redis\"}"), 1.0);
}

}  // namespace alertmanager_test
}  // namespace memwatch::testing
