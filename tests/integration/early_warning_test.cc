// Warnings before the first rejected write on a real redis-server, with the
// default check settings (15 min windows): a 30 s fill gets time_to_full
// critical at least 10 s ahead, and a 5 min fill of keys without TTL gets
// both time_to_full and no_ttl_growth to a real receiver before the first
// OOM. Lead times are printed for bench/RESULTS.md.
#include <time.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace early_warning_test {

using Clock = std::chrono::steady_clock;

// CLOCK_MONOTONIC in seconds: the clock the receiver stamps requests with.
double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string Config(int redis_port, const std::string& receivers = "") {
  return "listen: \"127.0.0.1:0\"\ntargets:\n  - name: r\n    address: 127.0.0.1:" +
         std::to_string(redis_port) + "\n" + receivers;
}

// Runs `write(i)` ten times a second (a job on a timer) until it returns
// an OOM error; returns the monotonic time of that first OOM, or -1 after
// `limit`.
double WriteUntilOom(const std::function<std::string(int)>& write, std::chrono::seconds limit) {
  const auto start = Clock::now();
  for (int i = 0; Clock::now() - start < limit; ++i) {
    if (write(i).find("OOM") != std::string::npos) return MonotonicSeconds();
    std::this_thread::sleep_until(start + i * std::chrono::milliseconds(100));  // the job's pace
  }
  return -1;
}

TEST(EarlyWarningE2eTest, AThirtySecondFillIsCriticalTenSecondsBeforeTheFirstOom) {
  RedisServer redis({"--maxmemory", "20mb", "--maxmemory-policy", "noeviction"});
  DaemonProcess d(Config(redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  const std::string critical =
      R"(redis_memwatch_finding{target="r",check="time_to_full",severity="critical"})";

  // 60 KB ten times a second (64 KiB each with the allocator's rounding):
  // about 0.65 MB/s, full about 30 s from now.
  const std::string value(60000, 'x');
  double critical_at = -1;
  const double start = MonotonicSeconds();
  const double oom_at = WriteUntilOom(
      [&](int i) {
        if (critical_at < 0 && i % 5 == 0 && d.Value(critical) == 1.0) {
          critical_at = MonotonicSeconds();
        }
        return redis.Cli({"SET", "burst:" + std::to_string(i), value});
      },
      std::chrono::seconds(90));
  ASSERT_GT(oom_at, 0) << "the writer never saw an OOM error";
  std::printf(
      "lead before the first OOM [30 s fill, real Redis]: time_to_full critical %.1f s; "
      "full %.1f s after the writer started\n",
      critical_at < 0 ? -1 : oom_at - critical_at, oom_at - start);
  ASSERT_GT(critical_at, 0) << "time_to_full was not critical before the first OOM\n" << d.Log();
  EXPECT_GE(oom_at - critical_at, 10.0);
}

// The first time a delivered notification named `check` as firing, in the
// receiver's monotonic seconds; -1 if never.
double FirstFiring(const HttpReceiver& receiver, const std::string& check) {
  for (const HttpReceiver::Request& r : receiver.Requests()) {
    if (r.status != 200) continue;
    const nlohmann::json body = nlohmann::json::parse(r.body);
    for (const nlohmann::json& a : body["alerts"]) {
      if (a["check"] == check && a["status"] == "firing") return r.t;
    }
  }
  return -1;
}

TEST(EarlyWarningE2eTest, AFiveMinuteFillOfKeysWithoutTtlReachesTheReceiverBeforeTheFirstOom) {
  RedisServer redis({"--maxmemory", "32mb", "--maxmemory-policy", "noeviction"});
  HttpReceiver receiver;
  ASSERT_NE(receiver.port(), 0) << receiver.error();
  ScopedTempDir state;
  DaemonProcess d("state_dir: " + state.path() + "\n" +
                  Config(redis.Port(),
                         "receivers:\n  - name: hook\n    type: webhook\n"
                         "    url: " +
                             receiver.Url() +
                             "\n"
                             "    checks: [time_to_full, no_ttl_growth]\n"));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();

  // A job writing 100 keys a second without a TTL, 1 KB each: full in
  // about 5 minutes.
  const std::string value(1000, 'x');
  const double start = MonotonicSeconds();
  const double oom_at = WriteUntilOom(
      [&](int i) {
        std::vector<std::string> mset{"MSET"};
        for (int k = 0; k < 10; ++k) {
          mset.push_back("job:" + std::to_string(i) + ":" + std::to_string(k));
          mset.push_back(value);
        }
        return redis.Cli(mset);
      },
      std::chrono::seconds(600));
  ASSERT_GT(oom_at, 0) << "the writer never saw an OOM error";
  const double ttf_at = FirstFiring(receiver, "time_to_full");
  const double no_ttl_at = FirstFiring(receiver, "no_ttl_growth");
  std::printf(
      "lead before the first OOM [5 min fill, real Redis, delivered]: time_to_full "
      "%.1f s, no_ttl_growth %.1f s; full %.1f s after the writer started\n",
      ttf_at < 0 ? -1 : oom_at - ttf_at, no_ttl_at < 0 ? -1 : oom_at - no_ttl_at, oom_at - start);
  EXPECT_GT(oom_at - start, 200) << "the fill was not a matter of minutes";
  ASSERT_GT(ttf_at, 0) << "time_to_full never reached the receiver\n" << d.Log();
  ASSERT_GT(no_ttl_at, 0) << "no_ttl_growth never reached the receiver\n" << d.Log();
  EXPECT_LT(ttf_at, oom_at);
  EXPECT_LT(no_ttl_at, oom_at);
}

}  // namespace early_warning_test
}  // namespace memwatch::testing
