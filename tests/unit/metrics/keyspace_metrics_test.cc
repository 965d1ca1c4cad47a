// The keyspace sampler's families in MetricsStore: nothing before a sampler
// runs, counters and backoff while it runs, prefixes once a cycle completed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "metrics/metric_names.h"
#include "metrics/metrics_store.h"

namespace memwatch::metrics {
namespace keyspace_metrics_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Text(const MetricsStore& store) {
  std::ostringstream out;
  store.WriteText(out);
  return out.str();
}

TEST(KeyspaceMetricsTest, NothingUntilASamplerRecords) {
  MetricsStore store("1");
  store.SetTargets({"r"});
  EXPECT_THAT(Text(store), Not(HasSubstr("redis_memwatch_keyspace_")));
}

TEST(KeyspaceMetricsTest, CountersBeforeTheFirstCompleteCycleButNoPrefixes) {
  MetricsStore store("1");
  store.SetTargets({"r"});
  KeyspaceValues v;
  v.sampled_keys_total = 42;
  v.redis_seconds_total = 0.5;
  store.RecordKeyspace("r", v);
  const std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keyspace_sampled_keys_total{target=\"r\"} 42\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keyspace_redis_seconds_total{target=\"r\"} 0.5\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keyspace_backoff{target=\"r\",reason=\"none\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("redis_memwatch_keyspace_backoff{target=\"r\",reason=\"memory_pressure\"} 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("redis_memwatch_keyspace_prefix")));
  EXPECT_THAT(text, Not(HasSubstr("redis_memwatch_keyspace_cycle_seconds")));
}

TEST(KeyspaceMetricsTest, PrefixesOfTheLastCompleteCycle) {
  MetricsStore store("1");
  store.SetTargets({"r"});
  KeyspaceValues v;
  v.prefixes = std::vector<KeyspacePrefixValues>{{"coupon:gen:*", 5, 5, 500},
                                                 {std::string(kOtherPrefixLabel), 7, 0, {}}};
  v.cycle_seconds = 2;
  store.RecordKeyspace("r", v);
  const std::string text = Text(store);
  EXPECT_THAT(
      text,
      HasSubstr("redis_memwatch_keyspace_prefix_keys{target=\"r\",prefix=\"coupon:gen:*\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keyspace_prefix_keys_without_ttl{target=\"r\",prefix="
                              "\"coupon:gen:*\"} 5\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "redis_memwatch_keyspace_prefix_bytes{target=\"r\",prefix=\"coupon:gen:*\"} 500\n"));
  EXPECT_THAT(
      text,
      HasSubstr("redis_memwatch_keyspace_prefix_keys{target=\"r\",prefix=\"\\\\other\"} 7\n"));
  // No bytes series for a prefix without MEMORY USAGE samples.
  EXPECT_THAT(
      text,
      Not(HasSubstr("redis_memwatch_keyspace_prefix_bytes{target=\"r\",prefix=\"\\\\other\"}")));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_keyspace_cycle_seconds{target=\"r\"} 2\n"));
}

TEST(KeyspaceMetricsTest, NulloptDropsTheTargetsSeries) {
  MetricsStore store("1");
  store.SetTargets({"r"});
  store.RecordKeyspace("r", KeyspaceValues{});
  store.RecordKeyspace("r", std::nullopt);
  store.RecordKeyspace("gone", KeyspaceValues{});  // not a target: ignored
  EXPECT_THAT(Text(store), Not(HasSubstr("redis_memwatch_keyspace_")));
}

}  // namespace keyspace_metrics_test
}  // namespace memwatch::metrics
