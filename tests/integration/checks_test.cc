// The memory-risk checks end to end: the built daemon watching real
// redis-servers that fill up, reject writes, evict nothing, and hang.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "harness/daemon_process.h"
#include "harness/redis_monitor.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace checks_test {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Target(const std::string& name, int port) {
  return "  - name: " + name + "\n    address: 127.0.0.1:" + std::to_string(port) + "\n";
}

std::string Finding(const std::string& target, const std::string& check,
                    const std::string& severity) {
  return "redis_memwatch_finding{target=\"" + target + "\",check=\"" + check + "\",severity=\"" +
         severity + "\"}";
}

double Errors(DaemonProcess& d, const std::string& target, const std::string& reason) {
  return d
      .Value("redis_memwatch_poll_errors_total{target=\"" + target + "\",reason=\"" + reason +
             "\"}")
      .value_or(0);
}

// Wall-clock seconds since the epoch: the clock of Redis' MONITOR stamps.
double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double Polls(DaemonProcess& d, const std::string& target) {
  return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"" + target + "\"}")
      .value_or(0);
}

TEST(ChecksTest, FillingUpGivesATimeToFullBeforeTheFirstOomAndOomWithinTwoPolls) {
  RedisServer redis({"--maxmemory", "12mb", "--maxmemory-policy", "noeviction"});
  // Short trend windows (history spans the longest) so the test needs
  // seconds, not the default 15 min.
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntimeout: 500ms\n"
      "checks:\n  time_to_full: {window: 6s, warning: 1h, critical: 10m}\n"
      "  no_ttl_growth: {window: 6s}\n"
      "targets:\n" +
      Target("r", redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();

  // 200 KiB between two polls of the daemon (2 MiB/s at the 100 ms
  // interval): a steady rise the trend sees, full in several seconds.
  const std::string value(20 * 1024, 'x');
  bool finite_before_oom = false;
  double polls_at_oom = -1;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (int i = 0; polls_at_oom < 0 && std::chrono::steady_clock::now() < deadline;) {
    for (const int batch_end = i + 10; i < batch_end; ++i) {
      std::string reply = redis.Cli({"SET", "job:" + std::to_string(i), value});
      if (reply.find("OOM") != std::string::npos) {
        polls_at_oom = Polls(d, "r");
        break;
      }
    }
    if (polls_at_oom >= 0) break;
    std::optional<double> ttf = d.Value("redis_memwatch_time_to_full_seconds{target=\"r\"}");
    finite_before_oom = finite_before_oom || (ttf && std::isfinite(*ttf));
    const double seen = Polls(d, "r");
    ASSERT_TRUE(WaitFor([&] { return Polls(d, "r") > seen; })) << d.Log();
  }
  ASSERT_GE(polls_at_oom, 0) << "the writer never saw an OOM error";
  EXPECT_TRUE(finite_before_oom) << "time_to_full stayed +Inf or absent until the first OOM";
  ASSERT_TRUE(WaitFor([&] { return d.Value(Finding("r", "oom_rejections", "critical")) == 1.0; }))
      << d.Log();
  // Within two polls of the first OOM error (plus one that was in flight).
  EXPECT_LE(Polls(d, "r") - polls_at_oom, 3.0);
  EXPECT_GE(d.Value("redis_errors_total{target=\"r\",err=\"OOM\"}").value_or(0), 1.0);
}

TEST(ChecksTest, VolatileLruWithOnlyKeysWithoutTtlIsIneffectiveEviction) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  for (int i = 0; i < 50; ++i) redis.Cli({"SET", "user:" + std::to_string(i), "v"});
  DaemonProcess d("listen: \"127.0.0.1:0\"\ninterval: 100ms\ntargets:\n" +
                  Target("r", redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  EXPECT_EQ(d.Value(Finding("r", "eviction_ineffective", "warning")), 0.0);
  redis.Cli({"CONFIG", "SET", "maxmemory-policy", "volatile-lru"});
  EXPECT_TRUE(WaitFor([&] {
    return d.Value(Finding("r", "eviction_ineffective", "warning")) == 1.0;
  })) << d.Metrics();
}

TEST(ChecksTest, APausedServerTimesOutAndClearsWhileAHealthyOneStaysOnTime) {
  RedisServer paused;
  RedisServer healthy;
  RedisMonitor healthy_commands(healthy);
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntimeout: 300ms\n"
      "checks:\n  command_timeouts: {quiet: 1s}\n"
      "targets:\n" +
      Target("paused", paused.Port()) + Target("healthy", healthy.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"paused\"}") == 1.0; })) << d.Log();
  paused.Pause();
  auto flagged = [&] {
    return d.Value(Finding("paused", "command_timeouts", "warning")) == 1.0 ||
           d.Value(Finding("paused", "command_timeouts", "critical")) == 1.0 ||
           d.Value(Finding("paused", "target_down", "critical")) == 1.0;
  };
  const double paused_at = WallSeconds();
  ASSERT_TRUE(WaitFor(flagged)) << d.Log();
  // Watch on until the paused server has also cost a second timeout.
  ASSERT_TRUE(WaitFor([&] { return Errors(d, "paused", "timeout") >= 2.0; })) << d.Log();
  const double watched_until = WallSeconds();
  // The healthy target kept its 100 ms schedule while the other one hung
  // (two timeouts): by Redis' own timestamps of the daemon's INFO, no gap
  // reached the 300 ms timeout that a loop waiting for the paused server
  // would show.
  std::vector<double> times;  // from the last INFO before the pause
  for (const RedisMonitor::Command& c : healthy_commands.Commands("info")) {
    if (c.time < paused_at) times.clear();
    if (c.time <= watched_until) times.push_back(c.time);
  }
  ASSERT_GE(times.size(), 5u) << "the healthy target was hardly polled while the other hung";
  const std::vector<double> gaps = GapsMs(times);
  const double longest = *std::max_element(gaps.begin(), gaps.end());
  std::printf("[ measure  ] healthy polls while the other hung: %zu, longest gap %.0f ms\n",
              times.size(), longest);
  EXPECT_LT(longest, 300.0);

  paused.Resume();
  EXPECT_TRUE(WaitFor([&] { return !flagged(); }, std::chrono::seconds(20))) << d.Metrics();
  EXPECT_EQ(d.Value("redis_up{target=\"paused\"}"), 1.0);
}

}  // namespace checks_test
}  // namespace memwatch::testing
