// Alerts end to end: the built daemon watching real redis-servers, a real
// HTTP receiver on loopback. The first rejected write reaches the receiver
// within a second with default polling settings, a resolved message follows
// the fix, and kill -9 loses nothing and resends nothing delivered.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"

namespace memwatch::testing {
namespace alerting_e2e_test {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// CLOCK_MONOTONIC in seconds: the clock the receiver stamps requests with
// (Python's time.monotonic), so the two can be subtracted.
double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string Target(const std::string& name, int port) {
  return "  - name: " + name + "\n    address: 127.0.0.1:" + std::to_string(port) + "\n";
}

std::string WebhookReceiver(const HttpReceiver& r, const std::string& extra = "") {
  return "receivers:\n  - name: hook\n    type: webhook\n    url: " + r.Url() + "\n" + extra;
}

// Bodies of the requests the receiver answered with `status`.
std::vector<Json> Bodies(const HttpReceiver& r, int status = 200) {
  std::vector<Json> out;
  for (const HttpReceiver::Request& req : r.Requests()) {
    if (req.status == status) out.push_back(Json::parse(req.body));
  }
  return out;
}

bool HasAlert(const Json& body, const std::string& check, const std::string& status) {
  for (const Json& a : body["alerts"]) {
    if (a["check"] == check && a["status"] == status) return true;
  }
  return false;
}

TEST(AlertingE2eTest, TheFirstRejectedWriteReachesTheReceiverWithinASecondThenResolves) {
  RedisServer redis({"--maxmemory", "8mb", "--maxmemory-policy", "noeviction"});
  HttpReceiver receiver;
  ASSERT_NE(receiver.port(), 0) << receiver.error();
  ScopedTempDir state;
  // Default interval (1s) and fast_interval (250ms): the latency is the
  // product's, not the test's. A short quiet period lets the fix resolve
  // within the test.
  DaemonProcess d("listen: \"127.0.0.1:0\"\nstate_dir: " + state.path() +
                  "\n"
                  "checks:\n  oom_rejections: {quiet: 2s}\n"
                  "targets:\n" +
                  Target("coupon-redis", redis.Port()) +
                  WebhookReceiver(receiver, "    checks: [oom_rejections]\n"));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"coupon-redis\"}") == 1.0; }))
      << d.Log();

  // The incident: a job writes keys without TTL until Redis says OOM, 2 MiB
  // between two polls of the daemon (2 MiB/s at the 1 s interval), so the
  // daemon sees the level rise and switches to fast polling on its own.
  const std::string value(64 * 1024, 'x');
  auto polls = [&] {
    return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"coupon-redis\"}")
        .value_or(0);
  };
  double first_oom = 0;
  bool fast_before_oom = false;
  for (int i = 0; i < 2000 && first_oom == 0;) {
    for (const int batch_end = i + 32; i < batch_end && first_oom == 0; ++i) {
      std::string reply = redis.Cli({"SET", "job:" + std::to_string(i), value});
      if (reply.find("OOM") != std::string::npos) {
        first_oom = MonotonicSeconds();
        // Read at once: the daemon could only have switched because of this
        // rejection had it polled in the millisecond since.
        fast_before_oom = d.Log().find("close to its limit") != std::string::npos;
      }
    }
    if (first_oom != 0) break;
    const double seen = polls();
    ASSERT_TRUE(WaitFor([&] { return polls() > seen; })) << d.Log();
  }
  ASSERT_GT(first_oom, 0) << "the writer never saw an OOM error";
  // The job keeps writing, as it would.
  for (int i = 0; i < 5; ++i) redis.Cli({"SET", "late:" + std::to_string(i), value});

  ASSERT_TRUE(PollUntil(
      [&] {
        for (const Json& b : Bodies(receiver)) {
          if (HasAlert(b, "oom_rejections", "firing")) return true;
        }
        return false;
      },
      std::chrono::seconds(10)))
      << d.Log();
  double latency = -1;
  for (const HttpReceiver::Request& req : receiver.Requests()) {
    if (req.status == 200 && HasAlert(Json::parse(req.body), "oom_rejections", "firing")) {
      latency = req.t - first_oom;
      break;
    }
  }
  RecordProperty("oom_to_receiver_ms", std::to_string(static_cast<int>(latency * 1000)));
  std::printf("first rejected write -> receiver: %.0f ms\n", latency * 1000);
  EXPECT_THAT(d.Log(), HasSubstr("close to its limit; polling every 250 ms"));
  EXPECT_TRUE(fast_before_oom) << "not polling fast before the first rejected write: it was seen "
                                  "up to a whole interval late";
  EXPECT_LE(latency, kSanitized ? 2.0 : 1.0);
  const Json firing = Bodies(receiver).front();
  EXPECT_EQ(firing["target"], "coupon-redis");
  EXPECT_EQ(firing["severity"], "critical");
  EXPECT_THAT(firing["title"].get<std::string>(), HasSubstr("coupon-redis"));

  // The fix: room again. Rejections stop; after the quiet period the
  // receiver hears it is resolved.
  redis.Cli({"CONFIG", "SET", "maxmemory", "256mb"});
  ASSERT_TRUE(PollUntil(
      [&] {
        for (const Json& b : Bodies(receiver)) {
          if (HasAlert(b, "oom_rejections", "resolved")) return true;
        }
        return false;
      },
      std::chrono::seconds(15)))
      << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("back to the normal polling interval"));
  // The receiver logs a request before its answer reaches the daemon.
  const std::string sent = "redis_memwatch_notifications_total{receiver=\"hook\",result=\"sent\"}";
  EXPECT_TRUE(WaitFor([&] {
    return d.Value(sent) == static_cast<double>(Bodies(receiver).size());
  })) << d.Metrics();
  EXPECT_EQ(d.Value("redis_memwatch_notification_queue_length{receiver=\"hook\"}"), 0.0);
}

TEST(AlertingE2eTest, KillNineLosesNothingAndResendsNothingDelivered) {
  // Stock Redis (maxmemory 0, noeviction): warnings at the first poll, one
  // notification per target.
  RedisServer a, b;
  // The first notification is accepted, the next two attempts fail, then
  // everything is accepted.
  HttpReceiver receiver({{.status = 200}, {.status = 500}, {.status = 500}});
  ASSERT_NE(receiver.port(), 0) << receiver.error();
  ScopedTempDir state;
  const std::string config = "listen: \"127.0.0.1:0\"\nstate_dir: " + state.path() +
                             "\ntargets:\n" + Target("a", a.Port()) + Target("b", b.Port()) +
                             WebhookReceiver(receiver);
  std::string first_delivered, pending;
  Json pending_body;
  {
    DaemonProcess first(config);
    ASSERT_TRUE(receiver.WaitForRequests(2)) << first.Log();
    first.Signal(SIGKILL);
    EXPECT_EQ(first.Stop(), 128 + SIGKILL);
    std::vector<HttpReceiver::Request> seen = receiver.Requests();
    ASSERT_EQ(seen.size(), 2u) << "a retry came before the kill";
    first_delivered = Json::parse(seen[0].body)["id"];
    pending_body = Json::parse(seen[1].body);
    pending = pending_body["id"];
  }
  DaemonProcess second(config);
  // Recovered from the outbox, the pending one is tried again (one more
  // 500). The second run fires the same findings again; its notification
  // about that target supersedes the pending one if it is still waiting
  // (docs/alerting.md, "After an outage"), so the receiver hears that
  // target's state once, under either id. Both targets' alerts go out.
  auto delivered_after_kill = [&] {
    std::vector<Json> bodies = Bodies(receiver);
    bodies.erase(bodies.begin());  // the first run's
    return bodies;
  };
  ASSERT_TRUE(PollUntil(
      [&] {
        std::set<std::string> targets;
        for (const Json& body : delivered_after_kill()) targets.insert(body["target"]);
        return targets.size() == 2 &&
               second.Value("redis_memwatch_notification_queue_length{receiver=\"hook\"}") == 0.0;
      },
      std::chrono::seconds(20)))
      << second.Log();
  std::map<std::string, int> delivered;
  for (const Json& body : Bodies(receiver)) ++delivered[body["id"].get<std::string>()];
  for (const auto& [id, count] : delivered) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(delivered[first_delivered], 1);
  // Nothing the pending one said is lost: it was delivered, or a delivered
  // notification about its target that superseded it fires all its checks.
  bool pending_told = delivered[pending] == 1;
  for (const Json& body : delivered_after_kill()) {
    if (pending_told || body["target"] != pending_body["target"]) continue;
    pending_told = std::all_of(pending_body["alerts"].begin(), pending_body["alerts"].end(),
                               [&](const Json& a) { return HasAlert(body, a["check"], "firing"); });
  }
  EXPECT_TRUE(pending_told) << pending_body.dump(2) << second.Log();
  EXPECT_THAT(second.Log(), HasSubstr("undelivered notification(s) from the last run"));
}

// A reload that leaves the alerting config as it was leaves delivery alone:
// the pending notification keeps its worker and backoff and is not
// recovered again from the outbox. A changed receiver restarts delivery.
TEST(AlertingE2eTest, AReloadRestartsDeliveryOnlyWhenAlertingChanged) {
  RedisServer redis;  // maxmemory 0: maxmemory_unset on the first poll
  HttpReceiver receiver(std::vector<HttpReceiver::Answer>(1000, {.status = 500}));
  ASSERT_NE(receiver.port(), 0) << receiver.error();
  ScopedTempDir state;
  auto config = [&](const std::string& receiver_extra, const std::string& checks) {
    return "listen: \"127.0.0.1:0\"\ninterval: 200ms\nstate_dir: " + state.path() + "\n" + checks +
           "targets:\n" + Target("r", redis.Port()) +
           WebhookReceiver(receiver, "    min_severity: info\n" + receiver_extra);
  };
  DaemonProcess d(config("", ""));
  ASSERT_TRUE(receiver.WaitForRequests(1)) << d.Log();
  auto reloads = [&] {
    const std::string log = d.Log();
    size_t n = 0;
    for (size_t at = log.find("reloaded "); at != std::string::npos;
         at = log.find("reloaded ", at + 1)) {
      ++n;
    }
    return n;
  };

  // Another check setting, the receiver as it was (its line moves down).
  std::ofstream(d.ConfigPath(), std::ios::trunc)
      << config("", "checks:\n  memory_high: {warning: 70%}\n");
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return reloads() == 1; })) << d.Log();
  EXPECT_THAT(d.Log(), Not(HasSubstr("queued again")));

  std::ofstream(d.ConfigPath(), std::ios::trunc) << config("    timeout: 3s\n", "");
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return reloads() == 2; })) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("1 undelivered notification(s) from the last run queued again"));
  EXPECT_TRUE(d.Running());
}

}  // namespace alerting_e2e_test
}  // namespace memwatch::testing
