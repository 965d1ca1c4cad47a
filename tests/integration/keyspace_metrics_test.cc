// The daemon's continuous keyspace sampling end to end: a real Redis with
// 3,000 cache:user:<n> keys with a TTL and 2,000 coupon:gen:<n> keys
// without, `keyspace: {interval: 1s}`, and the prefix series on /metrics
// once a cycle completes; a replica is not sampled; a hostile key name
// comes out escaped and the scrape still passes promtool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace keyspace_metrics_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kCacheKeys = 3000;
constexpr int kCouponKeys = 2000;

void Populate(const RedisServer& redis) {
  redis.Cli({"EVAL",
             "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'cache:user:' .. i, 'v', 'EX', "
             "3600) end for i = 1, tonumber(ARGV[2]) do redis.call('SET', 'coupon:gen:' .. i, "
             "'c') end",
             "0", std::to_string(kCacheKeys), std::to_string(kCouponKeys)});
  // Quote, backslash and <script> are kept in a prefix (escaped); the
  // newline and the 0xff byte make their segments variable (`*`).
  redis.Cli({"SET", "q\"\\<script>:a\nb\xff:1", "x"});
}

std::string Series(const std::string& name, const std::string& target, const std::string& prefix) {
  return name + "{target=\"" + target + "\",prefix=\"" + prefix + "\"}";
}

TEST(KeyspaceMetricsTest, ACompleteCycleCountsEveryPrefixAndAReplicaIsNotSampled) {
  RedisServer primary;
  Populate(primary);
  RedisServer replica({"--replicaof", "127.0.0.1", std::to_string(primary.Port())});
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\n"
      "interval: 200ms\n"
      "keyspace: {interval: 1s}\n"
      "targets:\n"
      "  - name: r\n"
      "    address: 127.0.0.1:" +
      std::to_string(primary.Port()) +
      "\n"
      "  - name: replica\n"
      "    address: 127.0.0.1:" +
      std::to_string(replica.Port()) + "\n");
  ASSERT_NE(d.WaitForPort(), 0) << d.Log();
  const std::string coupon_no_ttl =
      Series("redis_memwatch_keyspace_prefix_keys_without_ttl", "r", "coupon:gen:*");
  ASSERT_TRUE(
      WaitFor([&] { return d.Value(coupon_no_ttl) == kCouponKeys; }, std::chrono::seconds(30)))
      << d.Metrics() << d.Log();
  EXPECT_EQ(d.Value(Series("redis_memwatch_keyspace_prefix_keys", "r", "coupon:gen:*")),
            kCouponKeys);
  EXPECT_EQ(d.Value(Series("redis_memwatch_keyspace_prefix_keys", "r", "cache:user:*")),
            kCacheKeys);
  EXPECT_EQ(d.Value(Series("redis_memwatch_keyspace_prefix_keys_without_ttl", "r", "cache:user:*")),
            0);
  // The hostile key, escaped once by EscapeKeyName (q\"\\<script>:*) and
  // again by the exposition format.
  EXPECT_EQ(
      d.Value(Series("redis_memwatch_keyspace_prefix_keys", "r", "q\\\\\\\"\\\\\\\\<script>:*")), 1)
      << d.Metrics();
  EXPECT_GT(d.Value("redis_memwatch_keyspace_redis_seconds_total{target=\"r\"}").value_or(0), 0);
  EXPECT_GT(d.Value("redis_memwatch_keyspace_cycle_seconds{target=\"r\"}").value_or(-1), 0);
  const double sampled =
      d.Value("redis_memwatch_keyspace_sampled_keys_total{target=\"r\"}").value_or(0);
  EXPECT_GE(sampled, kCacheKeys + kCouponKeys + 1);
  // The next cycle (interval 1s) samples them again.
  EXPECT_TRUE(WaitFor(
      [&] {
        return d.Value("redis_memwatch_keyspace_sampled_keys_total{target=\"r\"}").value_or(0) >
               sampled;
      },
      std::chrono::seconds(20)));

  // The replica is polled, never sampled.
  EXPECT_EQ(d.Value("redis_up{target=\"replica\"}"), 1.0);
  const std::string m = d.Metrics();
  EXPECT_THAT(m, Not(HasSubstr("redis_memwatch_keyspace_sampled_keys_total{target=\"replica\"}")));
  EXPECT_THAT(m, Not(HasSubstr("prefix_keys{target=\"replica\"")));

  const std::string scrape = d.Dir() + "/scrape.txt";
  std::ofstream(scrape) << m;
  CommandResult r = RunCommand({"/bin/sh", "-c", "promtool check metrics < " + scrape});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
}

// keyspace: {enabled: false} samples nothing; a reload that turns it on
// restarts that target's sampler, says so, and the series appear.
TEST(KeyspaceMetricsTest, AReloadThatChangesTheBlockRestartsTheSampler) {
  RedisServer redis;
  redis.Cli({"SET", "coupon:gen:1", "c"});
  const std::string head =
      "listen: \"127.0.0.1:0\"\n"
      "interval: 200ms\n"
      "targets:\n"
      "  - name: r\n"
      "    address: 127.0.0.1:" +
      std::to_string(redis.Port()) + "\n";
  DaemonProcess d(head + "    keyspace: {enabled: false}\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  EXPECT_THAT(d.Metrics(), Not(HasSubstr("redis_memwatch_keyspace_")));

  std::ofstream(d.ConfigPath(), std::ios::trunc) << head + "    keyspace: {interval: 1s}\n";
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return d.Log().find("changed: keyspace: restarted sampler of r") != std::string::npos;
  })) << d.Log();
  EXPECT_TRUE(WaitFor([&] {
    return d.Value(Series("redis_memwatch_keyspace_prefix_keys_without_ttl", "r",
                          "coupon:gen:*")) == 1.0;
  })) << d.Metrics()
      << d.Log();
}

}  // namespace keyspace_metrics_test
}  // namespace memwatch::testing
