#include "metrics/metrics_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include "checks/check_registry.h"
#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace metrics_store_test {

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
  u.limit = EffectiveLimit{8000, "total_system_memory"};
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

// A group's findings: a series per group check of its kind and severity,
// at 0 before any finding, 1 for the active one; a group whose nodes are
// gone from the placements is forgotten.
TEST(MetricsStoreTest, GroupFindingsHaveASeriesPerCheckOfTheGroupsKind) {
  MetricsStore store("test");
  store.SetTargetPlacements({{"orders/127.0.0.1:6380", {"orders", "", "sentinel", "primary"}},
                             {"sessions/127.0.0.1:7000", {"sessions", "0-5460", "cluster", ""}},
                             {"cache", {"", "", "config", ""}}});
  std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_memwatch_group_finding{group=\"orders\",check=\"failover\","
                              "severity=\"critical\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_group_finding{group=\"sessions\",check=\"cluster_"
                              "state\",severity=\"critical\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("group=\"orders\",check=\"cluster_state\"")));
  EXPECT_THAT(text, Not(HasSubstr("group=\"sessions\",check=\"failover\"")));
  EXPECT_THAT(text, Not(HasSubstr("group=\"\"")));

  Finding failover;
  failover.check = "failover";
  failover.severity = Severity::kWarning;
  store.RecordGroupFindings("orders", {failover});
  text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_memwatch_group_finding{group=\"orders\",check=\"failover\","
                              "severity=\"warning\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_group_finding{group=\"orders\",check=\"failover\","
                              "severity=\"critical\"} 0\n"));

  store.SetTargetPlacements({{"cache", {"", "", "config", ""}}});
  store.SetTargetPlacements({{"orders/127.0.0.1:6380", {"orders", "", "sentinel", "primary"}}});
  EXPECT_THAT(Text(store), HasSubstr("redis_memwatch_group_finding{group=\"orders\",check=\""
                                     "failover\",severity=\"warning\"} 0\n"));
}

// A Sentinel group also has the checks of its data set
// (checks::SentinelDataSetChecks()), with the severities each can raise; a
// cluster does not (each shard holds its own data).
TEST(MetricsStoreTest, ASentinelGroupExportsItsDataSetChecks) {
  MetricsStore store("test");
  store.SetTargetPlacements({{"orders/127.0.0.1:6380", {"orders", "", "sentinel", "primary"}},
                             {"sessions/127.0.0.1:7000", {"sessions", "0-5460", "cluster", ""}}});
  Finding full_soon;
  full_soon.check = "time_to_full";
  full_soon.severity = Severity::kCritical;
  store.RecordGroupFindings("orders", {full_soon});
  const std::string text = Text(store);
  const std::string orders = "redis_memwatch_group_finding{group=\"orders\",check=";
  EXPECT_THAT(text, HasSubstr(orders + "\"time_to_full\",severity=\"critical\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(orders + "\"time_to_full\",severity=\"warning\"} 0\n"));
  EXPECT_THAT(text, HasSubstr(orders + "\"no_ttl_growth\",severity=\"warning\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr(orders + "\"no_ttl_growth\",severity=\"critical\"")));
  EXPECT_THAT(text, Not(HasSubstr(orders + "\"memory_high\"")));
  EXPECT_THAT(text, Not(HasSubstr("group=\"sessions\",check=\"time_to_full\"")));
}

TEST(MetricsStoreTest, ADownTargetExportsUpZeroAndNoStaleValues) {
  MetricsStore store("v");
  store.SetTargets({"a"});
  store.Record("a", Up(StockRedis()));
  TargetUpdate down;
  down.failure = PollFailure::kRefused;
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
  std::istringstream in(Text(store));
  std::string line;
  int families = 0;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    const std::string name = line.substr(7, line.find(' ', 7) - 7);
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    ++families;
  }
  EXPECT_GE(families, 15);
}

// A store with `n` polled targets, every kind of series for each.
void Fill(MetricsStore* store, int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("target-" + std::to_string(1000 + i));
  store->SetTargets(names);
  for (const std::string& name : names) store->Record(name, Up(StockRedis()));
  store->RecordLag(0.01);
}

TEST(MetricsStoreTest, ChunkedOutputIsTheSameTextWhateverTheChunkSize) {
  MetricsStore store("v");
  Fill(&store, 300);
  const std::string whole = Text(store);
  ASSERT_GT(whole.size(), 3 * kDefaultChunkBytes);
  for (size_t chunk_bytes : {size_t{1}, size_t{100}, size_t{4096}, kDefaultChunkBytes}) {
    std::vector<std::string> chunks;
    store.WriteText(
        [&](std::string_view c) {
          chunks.emplace_back(c);
          return true;
        },
        chunk_bytes);
    std::string joined;
    for (size_t i = 0; i < chunks.size(); ++i) {
      joined += chunks[i];
      EXPECT_EQ(chunks[i].back(), '\n') << "chunk " << i << " of " << chunk_bytes;
      if (i + 1 < chunks.size()) {
        EXPECT_GE(chunks[i].size(), chunk_bytes);
      }
    }
    EXPECT_EQ(joined, whole) << chunk_bytes;
    if (chunk_bytes == kDefaultChunkBytes) {
      EXPECT_GE(chunks.size(), whole.size() / kDefaultChunkBytes);
      for (const std::string& c : chunks) {
        EXPECT_LT(c.size(), kDefaultChunkBytes + 16 * 1024) << "one target past the threshold";
      }
    }
  }
}

TEST(MetricsStoreTest, TheStoreIsNotLockedWhileAChunkIsBeingSent) {
  // The sink runs outside the store's lock: a poll result or a reload can
  // land between two chunks (with the lock held this test would deadlock).
  MetricsStore store("v");
  Fill(&store, 300);
  std::string text;
  int chunks = 0;
  store.WriteText(
      [&](std::string_view c) {
        text += c;
        if (++chunks == 3) {
          store.RecordLag(0.5);
          store.Record("target-1100", Up(StockRedis()));
          // A reload drops most targets and adds one that sorts last.
          store.SetTargets({"target-1000", "target-1299", "zzz"});
          store.Record("zzz", Up(StockRedis()));
        }
        return true;
      },
      4096);
  ASSERT_GT(chunks, 3);
  // Still a valid exposition: every family's header once, every line whole.
  std::istringstream in(text);
  std::string line;
  std::map<std::string, int> types;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      ++types[line];
    } else if (line[0] != '#') {
      EXPECT_THAT(line, ::testing::MatchesRegex("[a-z_]+(\\{[^}]*\\})? [-+0-9.e]+(Inf)?")) << line;
    }
  }
  for (const auto& [type_line, count] : types) EXPECT_EQ(count, 1) << type_line;
  // The reload shows in the families written after it.
  EXPECT_THAT(text, HasSubstr("redis_memwatch_poll_errors_total{target=\"zzz\""));
  EXPECT_THAT(text, Not(HasSubstr("redis_memwatch_poll_errors_total{target=\"target-1100\"")));
}

TEST(MetricsStoreTest, StopsWritingOnceTheClientIsGone) {
  MetricsStore store("v");
  Fill(&store, 300);
  int calls = 0;
  store.WriteText(
      [&](std::string_view) {
        ++calls;
        return false;
      },
      1024);
  EXPECT_EQ(calls, 1);
}

// A TLS target exports its certificate's notAfter and whether the server is
// verified; the notAfter stays while polls fail (an expired certificate is
// why they fail). Targets without TLS export neither.
TEST(MetricsStoreTest, TlsTargetsExportTheirCertificateExpiry) {
  MetricsStore store("test");
  store.SetTargets({"tls", "plain"});
  TargetUpdate up = Up(StockRedis());
  up.tls_not_after = 1798761600;
  up.tls_insecure = true;
  store.Record("tls", std::move(up));
  store.Record("plain", Up(StockRedis()));
  TargetUpdate down;
  down.failure = PollFailure::kTls;
  down.tls_insecure = true;
  store.Record("tls", std::move(down));
  const std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_memwatch_tls_certificate_expiry_timestamp_seconds{target="
                              "\"tls\"} 1798761600\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_tls_insecure_skip_verify{target=\"tls\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_poll_errors_total{target=\"tls\",reason=\"tls\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("tls_certificate_expiry_timestamp_seconds{target=\"plain\"")));
  EXPECT_THAT(text, Not(HasSubstr("tls_insecure_skip_verify{target=\"plain\"")));
}

}  // namespace metrics_store_test
}  // namespace memwatch::metrics
