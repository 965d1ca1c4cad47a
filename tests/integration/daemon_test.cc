// The built daemon end to end against a real redis-server: findings on
// /metrics, clearing after a fix, Redis going away and coming back, a wrong
// password, a clean scrape for promtool, health endpoints and stopping.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>

#include "harness/daemon_process.h"
#include "harness/redis_monitor.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace daemon_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ConfigFor(int redis_port, const std::string& interval = "200ms",
                      const std::string& extra_target = "") {
  return "listen: \"127.0.0.1:0\"\n"
         "interval: " +
         interval +
         "\n"
         "timeout: 500ms\n"
         "targets:\n"
         "  - name: r\n"
         "    address: 127.0.0.1:" +
         std::to_string(redis_port) + "\n" + extra_target;
}

std::string Finding(const std::string& check, const std::string& severity) {
  return "redis_memwatch_finding{target=\"r\",check=\"" + check + "\",severity=\"" + severity +
         "\"}";
}

double PollCount(DaemonProcess& d) {
  return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"r\"}").value_or(0);
}

TEST(DaemonTest, StockRedisShowsBothFindingsAndAFixClearsThemWithinTwoPolls) {
  RedisServer redis;
  DaemonProcess d(ConfigFor(redis.Port()));
  ASSERT_NE(d.WaitForPort(), 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] {
    return d.Value(Finding("maxmemory_unset", "warning")) == 1.0 &&
           d.Value(Finding("noeviction", "warning")) == 1.0;
  })) << d.Metrics();
  EXPECT_EQ(d.Value("redis_up{target=\"r\"}"), 1.0);
  EXPECT_EQ(d.Value("redis_memory_max_bytes{target=\"r\"}"), 0.0);
  // The effective limit is the host's RAM when maxmemory is 0: never 0.
  std::string m = d.Metrics();
  EXPECT_THAT(
      m,
      HasSubstr("redis_memwatch_memory_limit_bytes{target=\"r\",source=\"total_system_memory\"}"));

  redis.Cli({"CONFIG", "SET", "maxmemory", "100mb"});
  redis.Cli({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
  double polls_at_fix = PollCount(d);
  ASSERT_TRUE(WaitFor([&] {
    return d.Value(Finding("maxmemory_unset", "warning")) == 0.0 &&
           d.Value(Finding("noeviction", "warning")) == 0.0;
  })) << d.Metrics();
  // Two polls after the fix, plus one that may have been in flight.
  EXPECT_LE(PollCount(d) - polls_at_fix, 3.0);
  EXPECT_THAT(d.Metrics(), HasSubstr("source=\"maxmemory\"} 104857600"));
}

TEST(DaemonTest, RedisGoingAwaySetsUpZeroAndComingBackIsPickedUp) {
  RedisServer redis;
  int port = redis.Port();
  DaemonProcess d(ConfigFor(port));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  redis.Stop();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 0.0; })) << d.Log();
  EXPECT_TRUE(d.Running());
  EXPECT_THAT(d.Metrics(), Not(HasSubstr("redis_memory_used_bytes{target=\"r\"}")));
  EXPECT_GE(
      d.Value("redis_memwatch_poll_errors_total{target=\"r\",reason=\"refused\"}").value_or(0),
      1.0);

  RedisServer again({}, port);
  // Reconnects back off from the interval (200 ms) up: well within 10 s here.
  ASSERT_TRUE(
      WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; }, std::chrono::seconds(15)))
      << d.Log();
  EXPECT_TRUE(d.Running());
}

TEST(DaemonTest, WrongPasswordIsAnErrorStateWithoutTheSecret) {
  const std::string secret = "correct-horse-battery";
  const std::string wrong = "wrong-staple-9f3a1c";
  RedisServer redis({"--requirepass", secret});
  RedisMonitor monitor(redis);
  DaemonProcess d(ConfigFor(redis.Port(), "200ms", "    password: ${TEST_REDIS_PASSWORD}\n"), {},
                  {"TEST_REDIS_PASSWORD=" + wrong});
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_poll_errors_total{target=\"r\",reason=\"auth\"}").value_or(0) >=
           1.0;
  })) << d.Log();
  EXPECT_EQ(d.Value("redis_up{target=\"r\"}"), 0.0);
  EXPECT_TRUE(d.Running());
  std::string log = d.Log();
  EXPECT_THAT(log, HasSubstr("r"));
  EXPECT_THAT(log, Not(HasSubstr(wrong)));
  EXPECT_THAT(d.Metrics(), Not(HasSubstr(wrong)));
  // Not a retry storm: auth failures back off. Redis' own timestamps of
  // the daemon's AUTH attempts (no other client sends one meanwhile) give
  // the gaps: after the n-th failure at least base * 2^(n-2), base being the
  // 200 ms interval (src/poller/backoff.h). Without backoff all are 200 ms.
  ASSERT_TRUE(monitor.WaitForCommands("auth", 5)) << d.Log();
  std::vector<double> times;
  for (const RedisMonitor::Command& c : monitor.Commands("auth")) times.push_back(c.time);
  const std::vector<double> gaps = GapsMs(times);
  for (size_t n = 1; n <= 4; ++n) {
    const double min_ms = 200.0 * std::max(1.0, std::pow(2.0, static_cast<double>(n) - 2));
    EXPECT_GE(gaps[n - 1], min_ms - 1)
        << "gap after failure " << n << ": auth retries did not back off";
  }
}

TEST(DaemonTest, RightPasswordFromAFileWorks) {
  RedisServer redis({"--requirepass", "s3cret-from-file"});
  TempDir dir("memwatch-pass");
  const std::string file = dir.File("password");
  std::ofstream(file) << "s3cret-from-file\n";
  DaemonProcess d(ConfigFor(redis.Port(), "200ms", "    password_file: " + file + "\n"));
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
}

TEST(DaemonTest, ARealScrapePassesPromtoolCheckMetrics) {
  RedisServer redis;
  redis.Cli({"SET", "k", "v"});
  DaemonProcess d(ConfigFor(redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  std::string scrape = d.Dir() + "/scrape.txt";
  std::ofstream(scrape) << d.Metrics();
  CommandResult r = RunCommand({"/bin/sh", "-c", "promtool check metrics < " + scrape});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
}

TEST(DaemonTest, HealthAndReadinessEndpoints) {
  RedisServer redis;
  DaemonProcess d(ConfigFor(redis.Port()));
  int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  EXPECT_EQ(HttpGet(port, "/-/healthy")->status, 200);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(port, "/-/ready")->status == 200; }));
  EXPECT_EQ(HttpGet(port, "/nope")->status, 404);
}

TEST(DaemonTest, SigtermStopsWithinASecond) {
  RedisServer redis;
  DaemonProcess d(ConfigFor(redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; }));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(d.Stop(std::chrono::seconds(1)), 0) << d.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

TEST(DaemonTest, ATakenListenAddressIsAClearErrorWithExitCode3) {
  RedisServer redis;
  DaemonProcess first(ConfigFor(redis.Port()));
  int port = first.WaitForPort();
  ASSERT_NE(port, 0);
  std::string cfg = ConfigFor(redis.Port());
  cfg.replace(cfg.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(port));
  DaemonProcess second(cfg);
  ASSERT_TRUE(WaitFor([&] { return !second.Running(); }));
  EXPECT_EQ(second.Stop(), 3);
  EXPECT_THAT(second.Log(), HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(port)));
}

TEST(DaemonTest, CheckConfigExitCodes) {
  RedisServer redis;
  DaemonProcess d(ConfigFor(redis.Port()), {"--check-config"});
  ASSERT_TRUE(WaitFor([&] { return !d.Running(); }));
  EXPECT_EQ(d.Stop(), 0) << d.Log();

  DaemonProcess bad("interval: 0s\ntargets:\n  - name: r\n    adress: x\n", {"--check-config"});
  ASSERT_TRUE(WaitFor([&] { return !bad.Running(); }));
  EXPECT_EQ(bad.Stop(), 2);
  std::string log = bad.Log();
  EXPECT_THAT(log, HasSubstr(bad.ConfigPath() + ":1:"));
  EXPECT_THAT(log, HasSubstr("interval"));
  EXPECT_THAT(log, HasSubstr(bad.ConfigPath() + ":4:"));
  EXPECT_THAT(log, HasSubstr("did you mean 'address'"));
}

}  // namespace daemon_test
}  // namespace memwatch::testing
