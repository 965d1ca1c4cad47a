// After a receiver outage, the newest state first, end to end: the built
// daemon (default settings) watching a real redis-server that fills to its
// limit while a real HTTP receiver fails. The first message the receiver
// accepts after it recovers tells that writes are being rejected, at every
// finding's current severity, and nothing it accepts afterwards repeats an
// older state of the target (docs/alerting.md, "After an outage").
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace alerting_outage_test {

using Json = nlohmann::json;
using std::chrono::seconds;

constexpr char kTarget[] = "coupon-redis";
const std::string kQueueLength = "redis_memwatch_notification_queue_length{receiver=\"hook\"}";
const std::string kSuperseded =
    "redis_memwatch_notifications_total{receiver=\"hook\",result=\"superseded\"}";

// CLOCK_MONOTONIC in seconds: the clock the receiver stamps requests with
// (Python's time.monotonic), so the two can be subtracted.
double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string Config(const std::string& state_dir, int redis_port, const HttpReceiver& hook) {
  return "listen: \"127.0.0.1:0\"\nstate_dir: " + state_dir + "\ntargets:\n  - name: " + kTarget +
         "\n    address: 127.0.0.1:" + std::to_string(redis_port) +
         "\nreceivers:\n  - name: hook\n    type: webhook\n    url: " + hook.Url() + "\n";
}

// A job writing keys without TTL (64 KiB values, about 1.5 MiB/s) until
// Redis refuses with OOM, and a few times more. Returns when the first
// write was refused (MonotonicSeconds), 0 if none was.
double FillUntilOom(const RedisServer& redis) {
  const std::string value(64 * 1024, 'x');
  double first_oom = 0;
  for (int i = 0; i < 2000 && first_oom == 0; ++i) {
    if (redis.Cli({"SET", "job:" + std::to_string(i), value}).find("OOM") != std::string::npos) {
      first_oom = MonotonicSeconds();
    }
    if (i % 4 == 0) WaitFor([] { return false; }, std::chrono::milliseconds(100));
  }
  for (int i = 0; i < 5; ++i) redis.Cli({"SET", "late:" + std::to_string(i), value});
  return first_oom;
}

struct Delivery {
  double t = 0;  // receiver's clock
  Json body;
};

// What the receiver accepted (200) at or after `since`, in arrival order.
std::vector<Delivery> Accepted(const HttpReceiver& hook, double since) {
  std::vector<Delivery> out;
  for (const HttpReceiver::Request& r : hook.Requests()) {
    if (r.status == 200 && r.t >= since) out.push_back({r.t, Json::parse(r.body)});
  }
  return out;
}

const Json* AlertOf(const Json& body, const std::string& check) {
  for (const Json& a : body["alerts"]) {
    if (a["check"] == check) return &a;
  }
  return nullptr;
}

bool FiresOom(const Json& body) {
  const Json* a = AlertOf(body, "oom_rejections");
  return a != nullptr && (*a)["status"] == "firing";
}

// The findings of kTarget active now at warning or critical (what the
// receiver's default min_severity lets through): check -> severity.
std::map<std::string, std::string> ActiveFindings(DaemonProcess& d) {
  static const std::regex kLine(
      R"re(redis_memwatch_finding\{target="coupon-redis",check="([a-z_]+)",severity="(warning|critical)"\} 1)re");
  std::map<std::string, std::string> active;
  const std::string text = d.Metrics();
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kLine);
       it != std::sregex_iterator(); ++it) {
    active[(*it)[1]] = (*it)[2];
  }
  return active;
}

// The receiver's view after the outage is the truth and never goes back:
// - the notification carrying oom_rejections shows every finding in it at
//   its current severity (`now`, scraped right after it arrived);
// - everything accepted after the outage, taken together, tells every
//   finding active now;
// - notifications arrive in the order they were created, and a firing
//   alert in any of them is either the current state or a transition that
//   a later one ends with a resolved (a firing that resolved meanwhile).
void ExpectCurrentAndNeverBackwards(const std::vector<Delivery>& after, const Json& with_oom,
                                    const std::map<std::string, std::string>& now) {
  for (const Json& a : with_oom["alerts"]) {
    const std::string check = a["check"];
    if (a["status"] == "firing") {
      EXPECT_EQ(now.count(check) ? now.at(check) : "inactive", a["severity"]) << check;
    } else {
      EXPECT_EQ(now.count(check), 0u) << check << " is resolved in it but active";
    }
  }
  std::map<std::string, std::string> told;  // check -> last severity or "resolved"
  for (size_t i = 0; i < after.size(); ++i) {
    const Json& body = after[i].body;
    EXPECT_EQ(body["target"], kTarget);
    if (i > 0) {
      EXPECT_LT(after[i - 1].body["created_at"].get<std::string>(),
                body["created_at"].get<std::string>())
          << "an older notification was delivered after a newer one";
    }
    for (const Json& a : body["alerts"]) {
      const std::string check = a["check"];
      told[check] = a["status"] == "resolved" ? "resolved" : a["severity"].get<std::string>();
      if (a["status"] != "firing") continue;
      if (now.count(check) && now.at(check) == a["severity"]) continue;
      bool ended_later = false;
      for (size_t j = i + 1; j < after.size(); ++j) {
        const Json* later = AlertOf(after[j].body, check);
        ended_later = ended_later || (later != nullptr && (*later)["status"] == "resolved");
      }
      EXPECT_TRUE(ended_later) << "a stale " << check << " " << a["severity"]
                               << " was delivered after the outage";
    }
  }
  for (const auto& [check, severity] : now) {
    EXPECT_EQ(told.count(check) ? told.at(check) : "never told", severity) << check;
  }
}

TEST(AlertingOutageTest, AReceiverDownFor20sHearsTheCurrentStateWithin6sOfRecovering) {
  RedisServer redis({"--maxmemory", "8mb", "--maxmemory-policy", "noeviction"});
  const double recovery = MonotonicSeconds() + 20;
  HttpReceiver hook({{.status = 503, .body = "unavailable", .until = recovery}});
  ASSERT_NE(hook.port(), 0) << hook.error();
  ScopedTempDir state;
  DaemonProcess d(Config(state.path(), redis.Port(), hook));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"coupon-redis\"}") == 1.0; }))
      << d.Log();

  const double first_oom = FillUntilOom(redis);
  ASSERT_GT(first_oom, 0) << "the writer never saw an OOM error";
  ASSERT_LT(first_oom, recovery - 5) << "the fill took too long to happen during the outage";

  // Within 6 s of the recovery, the receiver accepts the OOM news.
  ASSERT_TRUE(PollUntil(
      [&] {
        for (const Delivery& x : Accepted(hook, recovery)) {
          if (FiresOom(x.body)) return true;
        }
        return false;
      },
      std::chrono::milliseconds(static_cast<int>((recovery - MonotonicSeconds() + 15) * 1000))))
      << d.Log();
  // Once nothing waits any more, what the receiver has is all there is.
  ASSERT_TRUE(WaitFor([&] { return d.Value(kQueueLength) == 0.0; })) << d.Log();
  const std::map<std::string, std::string> now = ActiveFindings(d);
  const std::vector<Delivery> after = Accepted(hook, recovery);
  ASSERT_FALSE(after.empty());
  EXPECT_TRUE(FiresOom(after.front().body))
      << "the first message after the outage did not say writes are rejected: "
      << after.front().body.dump(2);
  const Delivery* with_oom = &after.front();
  for (const Delivery& x : after) {
    if (FiresOom(x.body)) {
      with_oom = &x;
      break;
    }
  }
  RecordProperty("recovery_to_oom_news_ms",
                 std::to_string(static_cast<int>((with_oom->t - recovery) * 1000)));
  std::printf("receiver back -> OOM news accepted: %.0f ms\n", (with_oom->t - recovery) * 1000);
  EXPECT_LE(with_oom->t - recovery, 6.0);
  EXPECT_EQ(with_oom->body["severity"], "critical");
  ExpectCurrentAndNeverBackwards(after, with_oom->body, now);

  // Meanwhile the failing receiver was tried at least every 5 s once a
  // critical alert waited (the OOM: found within a poll or two).
  std::vector<double> tries;
  for (const HttpReceiver::Request& r : hook.Requests()) {
    if (r.t >= first_oom + 1 && r.t <= recovery) tries.push_back(r.t);
  }
  ASSERT_GE(tries.size(), 3u);
  for (size_t i = 1; i < tries.size(); ++i) EXPECT_LE(tries[i] - tries[i - 1], 5.5) << i;
  EXPECT_GE(d.Value(kSuperseded).value_or(0), 1.0) << d.Metrics();
}

TEST(AlertingOutageTest, ARetryAfterIsHonouredAndTheAttemptAfterItCarriesTheCurrentState) {
  RedisServer redis({"--maxmemory", "8mb", "--maxmemory-policy", "noeviction"});
  HttpReceiver hook({{.status = 429, .body = "slow down", .retry_after = "10"}});
  ASSERT_NE(hook.port(), 0) << hook.error();
  ScopedTempDir state;
  DaemonProcess d(Config(state.path(), redis.Port(), hook));
  // noeviction fires at the first poll: its notification meets the 429.
  ASSERT_TRUE(hook.WaitForRequests(1)) << d.Log();
  const double throttled = hook.Requests().front().t;

  const double first_oom = FillUntilOom(redis);
  ASSERT_GT(first_oom, 0) << "the writer never saw an OOM error";
  ASSERT_LT(first_oom, throttled + 8) << "the fill took too long to happen within the 10 s";

  ASSERT_TRUE(hook.WaitForRequests(2, seconds(15))) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value(kQueueLength) == 0.0; })) << d.Log();
  const std::map<std::string, std::string> now = ActiveFindings(d);
  const std::vector<HttpReceiver::Request> requests = hook.Requests();
  const double waited = requests[1].t - throttled;
  std::printf("429 with Retry-After: 10 -> next attempt after %.3f s\n", waited);
  EXPECT_GE(waited, 10.0) << "Retry-After was cut short";
  EXPECT_LE(waited, 11.0);
  const std::vector<Delivery> after = Accepted(hook, requests[1].t);
  ASSERT_FALSE(after.empty());
  EXPECT_TRUE(FiresOom(after.front().body)) << after.front().body.dump(2);
  ExpectCurrentAndNeverBackwards(after, after.front().body, now);
  EXPECT_GE(d.Value(kSuperseded).value_or(0), 1.0) << d.Metrics();
}

}  // namespace alerting_outage_test
}  // namespace memwatch::testing
