#include "metrics/metrics_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "checks/check_spec.h"
#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Text(const MetricsStore& store) {
  std::ostringstream out;
  store.WriteText(out);
  return out.str();
}

Snapshot StockRedis() {
  Snapshot s;
  s.used_memory = 1000;
  s.maxmemory = 0;
  s.maxmemory_policy = "noeviction";
  s.total_system_memory = 8000;
  s.errorstats["OOM"] = 3;
  s.has_errorstats_section = true;
  s.keyspace["db0"] = {10, 4, 0, std::nullopt};
  s.has_keyspace_section = true;
  return s;
}

TargetUpdate Up(Snapshot s) {
  TargetUpdate u;
  u.probe_seconds = 0.0007;
  u.snapshot = std::move(s);
  u.limit = checks::EffectiveLimit{8000, "total_system_memory"};
  u.findings.push_back({"maxmemory_unset", Severity::kWarning, "no limit", {}, "fix"});
  return u;
}

TEST(MetricsStoreTest, ExportsNothingForATargetBeforeItsFirstPoll) {
  MetricsStore store("1.2.3");
  store.SetTargets({"a"});
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_memwatch_build_info{version=\"1.2.3\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("target=\"a\"")));
}

TEST(MetricsStoreTest, ExportsRedisValuesWithRedisExporterNames) {
  MetricsStore store("v");
  store.SetTargets({"a"});
  store.Record("a", Up(StockRedis()));
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_up{target=\"a\"} 1"));
  EXPECT_THAT(text, HasSubstr("redis_memory_used_bytes{target=\"a\"} 1000"));
  EXPECT_THAT(text, HasSubstr("redis_memory_max_bytes{target=\"a\"} 0"));
  EXPECT_THAT(text, HasSubstr("redis_errors_total{target=\"a\",err=\"OOM\"} 3"));
  EXPECT_THAT(text, HasSubstr("redis_db_keys{target=\"a\",db=\"db0\"} 10"));
  EXPECT_THAT(text, HasSubstr("redis_db_keys_expiring{target=\"a\",db=\"db0\"} 4"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keys_without_ttl{target=\"a\"} 6"));
  EXPECT_THAT(text,
              HasSubstr("redis_memwatch_memory_limit_bytes{target=\"a\",source=\"total_system_"
                        "memory\"} 8000"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_memory_used_ratio{target=\"a\"} 0.125"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_probe_duration_seconds_bucket{target=\"a\","
                              "le=\"0.001\"} 1"));
}

TEST(MetricsStoreTest, TheOomErrorSeriesExistsAtZeroBeforeTheFirstRejection) {
  MetricsStore store("v");
  store.SetTargets({"a", "old"});
  Snapshot s = StockRedis();
  s.errorstats.clear();
  store.Record("a", Up(s));
  Snapshot redis60 = StockRedis();  // Redis 6.0: no errorstats section, no series
  redis60.errorstats.clear();
  redis60.has_errorstats_section = false;
  store.Record("old", Up(redis60));
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_errors_total{target=\"a\",err=\"OOM\"} 0"));
  EXPECT_THAT(text, Not(HasSubstr("redis_errors_total{target=\"old\"")));
}

TEST(MetricsStoreTest, EveryCheckHasASeriesPerSeverityFromTheFirstPoll) {
  MetricsStore store("v");
  store.SetTargets({"a"});
  store.Record("a", Up(StockRedis()));
  std::string text = Text(store);
  for (const checks::CheckSpec& c : checks::AllChecks()) {
    for (Severity sev : c.severities) {
      std::string series = "redis_memwatch_finding{target=\"a\",check=\"" + std::string(c.name) +
                           "\",severity=\"" + std::string(SeverityName(sev)) + "\"}";
      EXPECT_THAT(text, HasSubstr(series)) << series;
    }
  }
  EXPECT_THAT(text, HasSubstr("redis_memwatch_finding{target=\"a\",check=\"maxmemory_unset\","
                              "severity=\"warning\"} 1"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_finding{target=\"a\",check=\"maxmemory_unset\","
                              "severity=\"critical\"} 0"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_finding{target=\"a\",check=\"noeviction\","
                              "severity=\"warning\"} 0"));
}

TEST(MetricsStoreTest, ADownTargetExportsUpZeroAndNoStaleValues) {
  MetricsStore store("v");
  store.SetTargets({"a"});
  store.Record("a", Up(StockRedis()));
  TargetUpdate down;
  down.failure = checks::PollFailure::kRefused;
  store.Record("a", std::move(down));
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_up{target=\"a\"} 0"));
  EXPECT_THAT(text, Not(HasSubstr("redis_memory_used_bytes{target=\"a\"}")));
  EXPECT_THAT(text,
              HasSubstr("redis_memwatch_poll_errors_total{target=\"a\",reason=\"refused\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("redis_memwatch_poll_errors_total{target=\"a\",reason=\"timeout\"} 0"));
}

TEST(MetricsStoreTest, ReloadKeepsRetainedTargetsAndDropsRemovedOnes) {
  MetricsStore store("v");
  store.SetTargets({"a", "b"});
  store.Record("a", Up(StockRedis()));
  store.Record("b", Up(StockRedis()));
  store.SetTargets({"a", "c"});
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_up{target=\"a\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("target=\"b\"")));
  EXPECT_THAT(text, Not(HasSubstr("target=\"c\"")));
  store.Record("gone", Up(StockRedis()));  // a late result for a removed target is ignored
  EXPECT_THAT(Text(store), Not(HasSubstr("target=\"gone\"")));
}

TEST(MetricsStoreTest, EveryExportedFamilyIsDeclaredInMetricNames) {
  MetricsStore store("v");
  store.SetTargets({"a"});
  TargetUpdate u = Up(StockRedis());
  u.time_to_full_seconds = 100;
  store.Record("a", std::move(u));
  store.RecordLag(0.001);
  auto names = AllMetricNames();
  for (const prometheus::MetricFamily& f : store.Collect()) {
    EXPECT_NE(std::find(names.begin(), names.end(), f.name), names.end()) << f.name;
  }
}

}  // namespace
}  // namespace memwatch::metrics
