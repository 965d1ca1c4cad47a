// The whole /metrics text of a store with every kind of series, against a
// golden file (`promtool check metrics` accepts it). The golden was first
// written by prometheus-cpp 1.0.1's TextSerializer, before the exposition
// was streamed by our own TextWriter; the two differ in one line only: a
// histogram sum prometheus-cpp rounded to 16 digits ("0.3007") is now
// written in the shortest digits that read back as the same double
// ("0.30069999999999997"), as Prometheus itself writes floats.
//
// To rewrite it after an intended change:
//   MEMWATCH_UPDATE_GOLDEN=1 build/tests/memwatch_unit_metrics --gtest_filter='GoldenScrape*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>

#include "metrics/metrics_store.h"

namespace memwatch::metrics {
namespace golden_scrape_test {

const std::string kGoldenPath =
    std::string(MEMWATCH_SOURCE_DIR) + "/tests/unit/metrics/testdata/scrape.golden.txt";

Snapshot FullSnapshot() {
  Snapshot s;
  s.uptime_in_seconds = 86400;
  s.connected_clients = 12;
  s.blocked_clients = 0;
  s.used_memory = 1073741824;
  s.used_memory_rss = 1181116006;
  s.used_memory_peak = 1288490188;
  s.total_system_memory = 16777216000;
  s.maxmemory = 2147483648;
  s.maxmemory_policy = "allkeys-lru";
  s.mem_fragmentation_ratio = 1.1;
  s.mem_fragmentation_bytes = 107374182;
  s.allocator_frag_ratio = 1.0625;
  s.allocator_frag_bytes = -4096;
  s.rdb_last_bgsave_ok = true;
  s.aof_last_write_ok = false;
  s.total_commands_processed = 123456789012;
  s.rejected_connections = 0;
  s.expired_keys = 5;
  s.evicted_keys = 7;
  s.keyspace_hits = 99;
  s.keyspace_misses = 1;
  s.errorstats["ERR"] = 2;
  s.errorstats["WRONGTYPE"] = 1;
  s.has_errorstats_section = true;
  s.keyspace["db0"] = {100000, 2500, 0, std::nullopt};
  s.keyspace["db3"] = {7, 7, 0, std::nullopt};
  s.has_keyspace_section = true;
  return s;
}

MetricsStore& GoldenStore() {
  static MetricsStore* store = [] {
    auto* s = new MetricsStore("1.2.3");
    s->RecordReload(true, 1764078000.5);
    // Names sort: "a", the one that needs escaping, "down", "never".
    const std::string weird = "b \"quoted\" back\\slash\nnewline";
    s->SetTargets({"a", weird, "down", "never"});

    TargetUpdate a;
    a.probe_seconds = 0.0007;
    a.snapshot = FullSnapshot();
    a.limit = EffectiveLimit{2147483648, "maxmemory"};
    a.time_to_full_seconds = 3600.25;
    a.wall_seconds = 1764078001.125;
    a.findings.push_back({"fragmentation", Severity::kWarning, "x", {}, ""});
    s->Record("a", a);
    a.probe_seconds = 0.3;
    a.findings.clear();
    s->Record("a", a);

    TargetUpdate w;
    w.probe_seconds = 3;  // above every bucket
    Snapshot redis60;     // no errorstats section, no keys
    redis60.used_memory = 1000;
    redis60.maxmemory = 0;
    redis60.has_keyspace_section = true;
    redis60.role = "slave";  // target_info says replica
    w.snapshot = redis60;
    w.limit = EffectiveLimit{8000, "total_system_memory"};
    w.time_to_full_seconds = std::numeric_limits<double>::infinity();
    w.wall_seconds = 1764078002;
    w.findings.push_back({"maxmemory_unset", Severity::kWarning, "no limit", {}, "fix"});
    s->Record(weird, w);

    TargetUpdate was_up;
    was_up.probe_seconds = 0.01;
    was_up.snapshot = FullSnapshot();
    was_up.wall_seconds = 1764077990;
    s->Record("down", was_up);
    TargetUpdate down;
    down.failure = PollFailure::kTimeout;
    s->Record("down", down);
    down.failure = PollFailure::kRefused;
    s->Record("down", down);

    // "a" has completed a keyspace cycle (a prefix as EscapeKeyName writes
    // a hostile one, one without MEMORY USAGE samples, and "other");
    // "down"'s sampler runs but has not completed one.
    KeyspaceValues ks;
    ks.prefixes = std::vector<KeyspacePrefixValues>{
        {"coupon:gen:*", 50000, 50000, 4800000},
        {"evil\\\"<script>\\x0a\\xff:*", 3, 3, std::nullopt},
        {std::string(kOtherPrefixLabel), 200000, 0, 19000000},
    };
    ks.cycle_seconds = 125.5;
    ks.sampled_keys_total = 500000;
    ks.redis_seconds_total = 1.25;
    ks.backoff_reason = "command_timeout";
    s->RecordKeyspace("a", ks);
    KeyspaceValues running;
    running.sampled_keys_total = 10;
    s->RecordKeyspace("down", running);

    // Placements: "never" has none; the shard label as the daemon writes it.
    s->SetTargetPlacements({{"a", {"", "0/2", "config"}},
                            {weird, {"", "0/2", "file"}},
                            {"down", {"", "0/2", "config"}}});
    s->SetTargetsFiles({{"/etc/redis-memwatch/targets.d/a.yml", true, 1764078000.25},
                        {"/etc/redis-memwatch/targets.d/broken.json", false, 1764078000.25}});

    s->RecordLag(0.0001);
    s->RecordLag(0.002);
    s->RecordLag(0.07);
    return s;
  }();
  return *store;
}

std::string Text(const MetricsStore& store) {
  std::ostringstream out;
  store.WriteText(out);
  return out.str();
}

TEST(GoldenScrapeTest, TheWholeExpositionMatchesTheGoldenFile) {
  const std::string text = Text(GoldenStore());
  if (std::getenv("MEMWATCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(kGoldenPath, std::ios::binary) << text;
    GTEST_SKIP() << "rewrote " << kGoldenPath;
  }
  std::ifstream in(kGoldenPath, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << kGoldenPath;
  const std::string golden((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, golden);
}

}  // namespace golden_scrape_test
}  // namespace memwatch::metrics
