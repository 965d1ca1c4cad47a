// The alerting part of the config: state_dir and the `alerting:` block,
// loaded with their defaults, and every mistake in them reported as
// FILE:LINE:COLUMN: KEY: message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace alerting_config_test {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::kTarget;
using testutil::Load;
using testutil::OnlyError;

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

// ---- Loading ---------------------------------------------------------------

TEST(AlertingConfigTest, DefaultsWhenNothingIsWritten) {
  const LoadResult r = Load(kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const alerting::AlertingConfig& a = r.config->alerting;
  EXPECT_EQ(a.state_dir, "/var/lib/redis-memwatch");
  EXPECT_EQ(a.repeat_interval, hours(4));
  EXPECT_TRUE(a.send_resolved);
  EXPECT_EQ(a.fast_interval, milliseconds(250));
  EXPECT_EQ(a.external_url, "");
  EXPECT_THAT(a.for_by_check, IsEmpty());
  EXPECT_EQ(a.default_for, Duration::zero());
  EXPECT_THAT(a.receivers, IsEmpty());
}

TEST(AlertingConfigTest, EveryKey) {
  const LoadResult r = Load(std::string(kTarget) +
                                "state_dir: ${STATE}/memwatch\n"
                                "interval: 2s\n"
                                "alerting:\n"
                                "  repeat_interval: 30m\n"
                                "  send_resolved: false\n"
                                "  fast_interval: 500ms\n"
                                "  external_url: http://grafana.example/d/redis-memwatch\n"
                                "  for: {memory_high: 5m, evicting: 0s}\n"
                                "  default_for: 1m30s\n",
                            FakeEnv({{"STATE", "/srv/state"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const alerting::AlertingConfig& a = r.config->alerting;
  EXPECT_EQ(a.state_dir, "/srv/state/memwatch");
  EXPECT_EQ(a.repeat_interval, minutes(30));
  EXPECT_FALSE(a.send_resolved);
  EXPECT_EQ(a.fast_interval, milliseconds(500));
  EXPECT_EQ(a.external_url, "http://grafana.example/d/redis-memwatch");
  EXPECT_THAT(a.for_by_check,
              ElementsAre(Pair("evicting", Duration::zero()), Pair("memory_high", minutes(5))));
  EXPECT_EQ(a.default_for, seconds(90));
}

TEST(AlertingConfigTest, GroupChecksCanBeNamedInForAndRoutes) {
  const LoadResult r = Load(std::string(kTarget) +
                            "alerting:\n  for: {failover: 1m, cluster_state: 10s}\n"
                            "receivers:\n  - name: ops\n    type: webhook\n"
                            "    url: http://127.0.0.1:1/hook\n"
                            "    checks: [sentinel_quorum, cluster_shard_near_limit]\n");
  ASSERT_TRUE(r.ok()) << r.errors[0].ToString();
  EXPECT_EQ(r.config->alerting.for_by_check.at("failover"), std::chrono::minutes(1));
}

TEST(AlertingConfigTest, EmptyBlocksKeepTheDefaults) {
  const LoadResult r = Load(std::string(kTarget) + "alerting:\nreceivers:\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->alerting.repeat_interval, hours(4));
  EXPECT_THAT(r.config->alerting.receivers, IsEmpty());

  const LoadResult empty_for = Load(std::string(kTarget) + "alerting:\n  for:\nreceivers: []\n");
  ASSERT_TRUE(empty_for.ok()) << AllErrors(empty_for);
  EXPECT_THAT(empty_for.config->alerting.for_by_check, IsEmpty());
  EXPECT_THAT(empty_for.config->alerting.receivers, IsEmpty());
}

TEST(AlertingConfigTest, StateDirDefaultsToSystemdStateDirectory) {
  const LoadResult r = Load(kTarget, FakeEnv({{"STATE_DIRECTORY", "/var/lib/private/memwatch"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->alerting.state_dir, "/var/lib/private/memwatch");

  // StateDirectory= with several directories: the first one.
  const LoadResult several = Load(kTarget, FakeEnv({{"STATE_DIRECTORY", "/var/lib/a:/var/lib/b"}}));
  ASSERT_TRUE(several.ok()) << AllErrors(several);
  EXPECT_EQ(several.config->alerting.state_dir, "/var/lib/a");

  const LoadResult empty = Load(kTarget, FakeEnv({{"STATE_DIRECTORY", ""}}));
  ASSERT_TRUE(empty.ok()) << AllErrors(empty);
  EXPECT_EQ(empty.config->alerting.state_dir, "/var/lib/redis-memwatch");
}

TEST(AlertingConfigTest, WrittenStateDirBeatsTheEnvironment) {
  const LoadResult r = Load(std::string(kTarget) + "state_dir: /data/memwatch\n",
                            FakeEnv({{"STATE_DIRECTORY", "/var/lib/redis-memwatch"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->alerting.state_dir, "/data/memwatch");
}

TEST(AlertingConfigTest, DefaultFastIntervalNeverExceedsTheInterval) {
  const LoadResult r = Load(std::string("interval: 100ms\n") + kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->alerting.fast_interval, milliseconds(100));
}

// ---- Mistakes --------------------------------------------------------------

TEST(AlertingErrorsTest, UnknownKeySuggestsTheNearest) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting:\n  repeat_intervall: 1h\n")),
            "memwatch.yaml:5:3: alerting.repeat_intervall: unknown key 'repeat_intervall'; did "
            "you mean 'repeat_interval'?");
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting:\n  route: x\n")),
            "memwatch.yaml:5:3: alerting.route: unknown key 'route'; expected one of: "
            "repeat_interval, send_resolved, fast_interval, external_url, for, default_for");
}

TEST(AlertingErrorsTest, MisspelledTopLevelKeys) {
  const LoadResult r = Load(std::string(kTarget) +
                            "statedir: /var/lib/x\n"
                            "alering:\n"
                            "receiver: []\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:4:1: statedir: unknown key 'statedir'; did you mean "
                          "'state_dir'?",
                          "memwatch.yaml:5:1: alering: unknown key 'alering'; did you mean "
                          "'alerting'?",
                          "memwatch.yaml:6:1: receiver: unknown key 'receiver'; did you mean "
                          "'receivers'?"));
}

TEST(AlertingErrorsTest, NotAMapping) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting: [repeat_interval]\n")),
            "memwatch.yaml:4:11: alerting: expected a mapping (key: value), found a list");
}

TEST(AlertingErrorsTest, Durations) {
  const LoadResult r = Load(std::string(kTarget) +
                            "alerting:\n"
                            "  repeat_interval: 0s\n"
                            "  fast_interval: soon\n"
                            "  default_for: -1m\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:20: alerting.repeat_interval: expected a duration "
                          "greater than 0, got '0s'",
                          "memwatch.yaml:6:18: alerting.fast_interval: expected a duration such as "
                          "500ms, 1s, 2m, 1h or 1m30s, got 'soon'",
                          "memwatch.yaml:7:16: alerting.default_for: a duration cannot be "
                          "negative, got '-1m'"));
}

TEST(AlertingErrorsTest, FastIntervalMustBeShorterThanTheInterval) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "interval: 1m30s\n"
                                                  "alerting:\n"
                                                  "  fast_interval: 90s\n")),
            "memwatch.yaml:6:18: alerting.fast_interval: expected a duration shorter than "
            "interval (90s): targets close to their limit are polled faster, not slower");
  // Against the default interval, 1s.
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting: {fast_interval: 2s}\n")),
            "memwatch.yaml:4:27: alerting.fast_interval: expected a duration shorter than "
            "interval (1s): targets close to their limit are polled faster, not slower");
  // A wrong interval is reported alone, not compared.
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "interval: 0s\nalerting: {fast_interval: 2s}\n")),
            "memwatch.yaml:4:11: interval: expected a duration greater than 0, got '0s'");
}

TEST(AlertingErrorsTest, ForNamesKnownChecks) {
  const LoadResult r = Load(std::string(kTarget) +
                            "alerting:\n"
                            "  for:\n"
                            "    memory_hgh: 5m\n"
                            "    evicting: -5m\n"
                            "    redis_down: 1m\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:6:5: alerting.for.memory_hgh: unknown check "
                          "'memory_hgh'; did you mean 'memory_high'?",
                          "memwatch.yaml:7:15: alerting.for.evicting: a duration cannot be "
                          "negative, got '-5m'",
                          "memwatch.yaml:8:5: alerting.for.redis_down: unknown check "
                          "'redis_down'; expected one of: maxmemory_unset, noeviction, "
                          "memory_high, memory_headroom, eviction_ineffective, evicting, "
                          "oom_rejections, command_timeouts, time_to_full, no_ttl_growth, "
                          "protected_keys_evictable, protected_key_evicted, "
                          "fragmentation, replication_buffers, persistence_failing, "
                          "tls_certificate_expiring, target_down, failover, sentinel_quorum, "
                          "sentinels_disagree, cluster_state, cluster_shard_near_limit, "
                          "cluster_nodes_unreachable"));
}

TEST(AlertingErrorsTest, ExternalUrl) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting:\n  external_url: grafana/d/x\n")),
            "memwatch.yaml:5:17: alerting.external_url: expected an http:// or https:// URL");
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "alerting:\n  external_url: ''\n")),
            "memwatch.yaml:5:17: alerting.external_url: expected an http:// or https:// URL, got "
            "an empty value");
}

TEST(AlertingErrorsTest, StateDir) {
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "state_dir: var/lib/memwatch\n")),
            "memwatch.yaml:4:12: state_dir: expected an absolute directory such as "
            "/var/lib/redis-memwatch, got 'var/lib/memwatch'");
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "state_dir: \"\"\n")),
            "memwatch.yaml:4:12: state_dir: expected a directory, got an empty value");
  EXPECT_EQ(OnlyError(Load(std::string(kTarget) + "state_dir: ${STATE_DIRECTORY}\n")),
            "memwatch.yaml:4:12: state_dir: environment variable STATE_DIRECTORY is not set "
            "(write $$ for a literal $)");
}

TEST(AlertingErrorsTest, EverySectionIsReportedAtOnce) {
  const LoadResult r = Load(
      "interval: 500ms\n"
      "targets:\n"
      "  - name: coupon-redis\n"
      "    address: h:99999\n"
      "state_dir: relative\n"
      "alerting:\n"
      "  fast_interval: 1s\n"
      "  for: {oom: 1m}\n"
      "receivers:\n"
      "  - name: oncall\n"
      "    type: slack\n"
      "    targets: [coupon]\n");
  EXPECT_THAT(
      Strings(r),
      ElementsAre(
          "memwatch.yaml:4:14: targets[0].address: port '99999' is not a number between 1 and "
          "65535",
          "memwatch.yaml:5:12: state_dir: expected an absolute directory such as "
          "/var/lib/redis-memwatch, got 'relative'",
          "memwatch.yaml:7:18: alerting.fast_interval: expected a duration shorter than interval "
          "(500ms): targets close to their limit are polled faster, not slower",
          "memwatch.yaml:8:9: alerting.for.oom: unknown check 'oom'; expected one of: "
          "maxmemory_unset, noeviction, memory_high, memory_headroom, eviction_ineffective, "
          "evicting, oom_rejections, command_timeouts, time_to_full, no_ttl_growth, "
          "protected_keys_evictable, protected_key_evicted, "
          "fragmentation, replication_buffers, persistence_failing, tls_certificate_expiring, "
          "target_down, failover, sentinel_quorum, sentinels_disagree, cluster_state, "
          "cluster_shard_near_limit, cluster_nodes_unreachable",
          "memwatch.yaml:10:5: receivers[0].webhook_url: missing; a slack receiver needs "
          "webhook_url (or webhook_url_file), the incoming-webhook URL",
          "memwatch.yaml:12:15: receivers[0].targets[0]: unknown target 'coupon'; expected one "
          "of: coupon-redis"));
  EXPECT_FALSE(r.config.has_value());
}

}  // namespace alerting_config_test
}  // namespace memwatch::config
