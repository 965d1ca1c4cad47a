// `redis-memwatch doctor`'s keyspace scan against a real redis-server: the
// incident of issue 16 (200,000 cache keys with a TTL, 50,000 coupon keys
// without, volatile-lru), named in text and JSON; --no-scan; no progress
// bar when stderr is piped, and one redrawn in place when stderr is a
// terminal (a pseudo-terminal); and the Redis time the scan took, measured
// with INFO commandstats, against its 1 % budget.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/keyspace_scan.h"
#include "harness/daemon_process.h"
#include "harness/redis_server.h"
#include "harness/terminal_command.h"

namespace memwatch::testing {
namespace doctor_scan_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kCacheKeys = 200'000;
constexpr int kCouponKeys = 50'000;

CommandResult Doctor(const RedisServer& redis, std::vector<std::string> args) {
  args.insert(args.begin(),
              {MEMWATCH_BINARY, "doctor", "redis://127.0.0.1:" + std::to_string(redis.Port())});
  return RunCommand(args);
}

// The incident: `cache:user:<n>` with a TTL, `coupon:gen:<n>` without, under
// volatile-lru with a maxmemory set. DEBUG POPULATE writes `<prefix>:<n>`.
std::unique_ptr<RedisServer> Incident() {
  auto redis = std::make_unique<RedisServer>(
      std::vector<std::string>{"--enable-debug-command", "local", "--maxmemory", "1gb",
                               "--maxmemory-policy", "volatile-lru"});
  EXPECT_EQ(redis->Cli({"DEBUG", "POPULATE", std::to_string(kCacheKeys), "cache:user"}), "OK");
  EXPECT_EQ(redis->Cli({"DEBUG", "POPULATE", std::to_string(kCouponKeys), "coupon:gen"}), "OK");
  EXPECT_EQ(redis->Cli({"EVAL",
                        "for i = 0, tonumber(ARGV[1]) - 1 do "
                        "redis.call('EXPIRE', 'cache:user:' .. i, 3600) end return 1",
                        "0", std::to_string(kCacheKeys)}),
            "1");
  EXPECT_THAT(redis->Cli({"INFO", "keyspace"}), HasSubstr("keys=250000,expires=200000"));
  return redis;
}

uint64_t SamplingUsec(const RedisServer& redis) {
  return app::SamplingUsecFromCommandstats(redis.Cli({"INFO", "commandstats"}));
}

TEST(DoctorScanTest, NamesThePrefixWithoutTtlAndTheEvictionTrapWithinItsBudget) {
  std::unique_ptr<RedisServer> redis = Incident();
  const uint64_t usec_before = SamplingUsec(*redis);
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = Doctor(*redis, {"--scan-time", "3s"});
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t usec = SamplingUsec(*redis) - usec_before;

  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("Keyspace: "));
  EXPECT_THAT(r.output, HasSubstr("stopped at --scan-time"));
  EXPECT_THAT(r.output, HasSubstr("top prefixes by keys without TTL"));
  EXPECT_THAT(r.output, HasSubstr("coupon:gen:*"));
  EXPECT_THAT(r.output, HasSubstr("needs an expiry"));
  EXPECT_THAT(r.output, HasSubstr("volatile-lru evicts only keys with a TTL: coupon:gen:*"));
  EXPECT_THAT(r.output, HasSubstr("can never be evicted"));
  // stderr is a pipe here: no progress bar, nothing at all.
  EXPECT_EQ(r.error, "");

  // The budget: 1 % of Redis's time, plus an allowance for the first
  // interval (before any cost is known) and other rounding.
  const double share = static_cast<double>(usec) / (wall_s * 1e6);
  std::printf(
      "[ measured ] scan/type/ttl/memory: %llu usec of Redis time in %.2f s of doctor "
      "= %.2f%% (budget 1%%)\n",
      static_cast<unsigned long long>(usec), wall_s, share * 100);
  EXPECT_LE(static_cast<double>(usec), 0.01 * wall_s * 1e6 + 5000);
}

// The piped case is NamesThePrefixWithoutTtl... above (stderr empty).
TEST(DoctorScanTest, OnATerminalTheProgressBarIsRedrawnInPlaceThenCleared) {
  std::unique_ptr<RedisServer> redis = Incident();
  TerminalCommandResult r = RunCommandWithStderrOnTerminal(
      {MEMWATCH_BINARY, "doctor", "redis://127.0.0.1:" + std::to_string(redis->Port()),
       "--scan-time", "1s"});
  ASSERT_FALSE(r.timed_out) << r.terminal;
  EXPECT_EQ(r.exit_code, 0) << r.output << r.terminal;
  // The report, on stdout, is unchanged by the terminal on stderr.
  EXPECT_THAT(r.output, HasSubstr("top prefixes by keys without TTL"));
  EXPECT_THAT(r.output, HasSubstr("coupon:gen:*"));
  EXPECT_THAT(r.output, Not(HasSubstr("\r")));

  // Each draw returns to the line's start: "\r[###....]  42%  1,234 keys  0.4 s".
  const std::regex draw(R"(\r\[[#.]+\] +(\d+)%  [0-9,]+ keys  [0-9.]+ s)");
  std::vector<int> percents;
  for (auto it = std::sregex_iterator(r.terminal.begin(), r.terminal.end(), draw);
       it != std::sregex_iterator(); ++it) {
    percents.push_back(std::stoi((*it)[1].str()));
  }
  std::printf("[ measured ] %zu draws of the progress bar in %zu bytes on the terminal\n",
              percents.size(), r.terminal.size());
  ASSERT_GE(percents.size(), 2U) << r.terminal;  // redrawn, at most every 100 ms of 1 s
  EXPECT_TRUE(std::is_sorted(percents.begin(), percents.end())) << r.terminal;
  EXPECT_GT(percents.back(), percents.front()) << r.terminal;
  // Blanked before the report, nothing else on the terminal: no newline.
  const std::string cleared = "\r" + std::string(72, ' ') + "\r";
  EXPECT_TRUE(r.terminal.ends_with(cleared)) << r.terminal;
  EXPECT_EQ(r.terminal.find('\n'), std::string::npos) << r.terminal;
}

TEST(DoctorScanTest, JsonHasTheKeyspaceWithAnEstimateAroundTheTrueCount) {
  std::unique_ptr<RedisServer> redis = Incident();
  CommandResult r = Doctor(*redis, {"--scan-time", "2s", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  const nlohmann::json doc = nlohmann::json::parse(r.output);
  const nlohmann::json& ks = doc["targets"][0]["keyspace"];
  ASSERT_TRUE(ks.is_object()) << r.output;
  EXPECT_EQ(ks["total_keys"], kCacheKeys + kCouponKeys);
  EXPECT_EQ(ks["complete"], false);
  EXPECT_EQ(ks["scan"]["cut_short"], true);
  EXPECT_GT(ks["sampled_keys"].get<int>(), 0);
  const nlohmann::json* coupons = nullptr;
  for (const nlohmann::json& p : ks["by_no_ttl"]) {
    if (p["prefix"] == "coupon:gen:*") coupons = &p;
  }
  ASSERT_NE(coupons, nullptr) << ks.dump(2);
  const nlohmann::json& est = (*coupons)["keys_without_ttl"];
  std::printf("[ measured ] coupon:gen:* without TTL: %d (%d..%d) of %d, %d keys sampled\n",
              est["value"].get<int>(), est["low"].get<int>(), est["high"].get<int>(), kCouponKeys,
              ks["sampled_keys"].get<int>());
  // A 95 % interval misses the true count in 1 run of 20 (Redis seeds its
  // hash order, so SCAN's order and the sample differ per server): the
  // assertion widens it by half its width each side (about +-2.9 sigma,
  // a miss in ~1 run of 300), and the line above shows the interval itself.
  const int low = est["low"].get<int>();
  const int high = est["high"].get<int>();
  EXPECT_LE(low - (high - low) / 4, kCouponKeys);
  EXPECT_GE(high + (high - low) / 4, kCouponKeys);
  EXPECT_LT(high - low, kCouponKeys / 2) << "an interval that says nothing";
  for (const nlohmann::json& p : ks["by_no_ttl"]) {
    EXPECT_NE(p["prefix"], "cache:user:*") << "cache keys all have a TTL";
  }
}

TEST(DoctorScanTest, NoScanSaysSoAndSendsNoScan) {
  RedisServer redis;
  redis.Cli({"SET", "k", "v"});
  CommandResult r = Doctor(redis, {"--no-scan"});
  EXPECT_THAT(r.output, HasSubstr("Keyspace: not scanned: --no-scan"));
  EXPECT_THAT(redis.Cli({"INFO", "commandstats"}), Not(HasSubstr("cmdstat_scan")));
  CommandResult j = Doctor(redis, {"--no-scan", "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(j.output)["targets"][0]["keyspace"]["skipped"], "--no-scan");
}

TEST(DoctorScanTest, AnEmptyKeyspaceIsSkipped) {
  RedisServer redis;
  CommandResult r = Doctor(redis, {"--scan-time", "1s"});
  EXPECT_THAT(r.output, HasSubstr("Keyspace: not scanned: the keyspace is empty"));
}

TEST(DoctorScanTest, ASmallKeyspaceIsScannedCompletely) {
  RedisServer redis({"--enable-debug-command", "local"});
  redis.Cli({"DEBUG", "POPULATE", "300", "session"});
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = Doctor(redis, {"--scan-time", "30s", "--format", "json"});
  const auto took = std::chrono::steady_clock::now() - start;
  const nlohmann::json ks = nlohmann::json::parse(r.output)["targets"][0]["keyspace"];
  EXPECT_EQ(ks["complete"], true) << ks.dump(2);
  EXPECT_EQ(ks["sampled_keys"], 300);
  EXPECT_EQ(ks["scan"]["cut_short"], false);
  EXPECT_LT(took, std::chrono::seconds(20));  // stopped at the complete cycle
}

}  // namespace doctor_scan_test
}  // namespace memwatch::testing
