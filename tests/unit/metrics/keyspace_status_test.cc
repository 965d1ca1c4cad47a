// KeyspaceStatusOf, the status page's view of what the keyspace sampler
// exports, and MetricsStore::Status carrying it: the top prefixes by bytes
// with their share, never the `\other` sum, totals over every prefix, and
// nothing for a target that is not sampled.
#include "metrics/keyspace_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "metrics/metrics_store.h"

namespace memwatch::metrics {
namespace keyspace_status_test {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Optional;

KeyspacePrefixValues P(std::string prefix, uint64_t keys, uint64_t no_ttl,
                       std::optional<uint64_t> bytes) {
  return {.prefix = std::move(prefix), .keys = keys, .keys_without_ttl = no_ttl, .bytes = bytes};
}

std::vector<std::string> Prefixes(const KeyspaceCycleStatus& c) {
  std::vector<std::string> out;
  for (const PrefixStatus& p : c.top) out.push_back(p.prefix);
  return out;
}

TEST(KeyspaceStatusTest, TheTopPrefixesByBytesWithTheirShareAndTotalsOverEveryPrefix) {
  KeyspaceValues v;
  // Out of order on purpose; \other has the most bytes but is no prefix.
  v.prefixes = {P("small:*", 10, 10, 100),
                P("cache:user:*", 3000, 0, 3000),
                P(std::string(kOtherPrefixLabel), 50, 5, 5000),
                P("coupon:gen:*", 2000, 2000, 1000),
                P("unmeasured:*", 7, 7, std::nullopt),
                P("a:*", 1, 0, 100),
                P("tie:*", 20, 0, 100)};
  v.cycle_seconds = 12.5;
  v.backoff_reason = "memory_pressure";
  const KeyspaceStatus s = KeyspaceStatusOf(v);
  EXPECT_EQ(s.backoff_reason, "memory_pressure");
  ASSERT_TRUE(s.last_cycle.has_value());
  const KeyspaceCycleStatus& c = *s.last_cycle;
  EXPECT_THAT(c.seconds, Optional(12.5));
  EXPECT_EQ(c.keys, 10U + 3000 + 50 + 2000 + 7 + 1 + 20);
  EXPECT_EQ(c.keys_without_ttl, 10U + 0 + 5 + 2000 + 7 + 0 + 0);
  EXPECT_THAT(c.bytes, Optional(uint64_t{100 + 3000 + 5000 + 1000 + 100 + 100}));
  // Most bytes first; equal bytes: more keys first, then by name.
  EXPECT_THAT(Prefixes(c), ElementsAre("cache:user:*", "coupon:gen:*", "tie:*", "small:*", "a:*"));
  ASSERT_EQ(c.top.size(), kStatusTopPrefixes);
  EXPECT_EQ(c.top[0].keys, 3000U);
  EXPECT_EQ(c.top[1].keys_without_ttl, 2000U);
  EXPECT_THAT(c.top[0].share, Optional(DoubleEq(3000.0 / 9300)));
  EXPECT_THAT(c.top[4].bytes, Optional(uint64_t{100}));
}

TEST(KeyspaceStatusTest, PrefixesWithoutBytesComeLastAndHaveNoShare) {
  KeyspaceValues v;
  v.prefixes = {P("x:*", 5, 5, std::nullopt), P("y:*", 1, 0, 40)};
  const KeyspaceCycleStatus c = *KeyspaceStatusOf(v, 3).last_cycle;
  EXPECT_THAT(Prefixes(c), ElementsAre("y:*", "x:*"));
  EXPECT_THAT(c.top[0].share, Optional(DoubleEq(1.0)));
  EXPECT_EQ(c.top[1].share, std::nullopt);
  EXPECT_EQ(c.top[1].bytes, std::nullopt);

  // No byte anywhere (MEMORY USAGE refused): counts only, by keys.
  v.prefixes = {P("x:*", 5, 5, std::nullopt), P("y:*", 9, 0, std::nullopt)};
  const KeyspaceCycleStatus counts = *KeyspaceStatusOf(v).last_cycle;
  EXPECT_EQ(counts.bytes, std::nullopt);
  EXPECT_THAT(Prefixes(counts), ElementsAre("y:*", "x:*"));
  EXPECT_EQ(counts.top[0].share, std::nullopt);
}

TEST(KeyspaceStatusTest, BeforeTheFirstCycleAndAfterAnEmptyOne) {
  KeyspaceValues running;  // sampled, no cycle complete yet
  EXPECT_EQ(KeyspaceStatusOf(running).last_cycle, std::nullopt);
  KeyspaceValues empty;
  empty.prefixes.emplace();
  empty.cycle_seconds = 0.01;
  const KeyspaceStatus s = KeyspaceStatusOf(empty);
  ASSERT_TRUE(s.last_cycle.has_value());
  EXPECT_TRUE(s.last_cycle->top.empty());
  EXPECT_EQ(s.last_cycle->keys, 0U);
  EXPECT_EQ(s.last_cycle->bytes, std::nullopt);
  // Only the rest: no named prefix to show.
  KeyspaceValues other_only;
  other_only.prefixes = {P(std::string(kOtherPrefixLabel), 4, 4, 64)};
  EXPECT_TRUE(KeyspaceStatusOf(other_only).last_cycle->top.empty());
}

TEST(KeyspaceStatusTest, TheStoresStatusCarriesItOnlyForSampledTargets) {
  MetricsStore store("0.1.0");
  store.SetTargets({"sampled", "plain"});
  KeyspaceValues v;
  v.prefixes = {P("q\\\"\\\\<script>:*", 3, 3, 300), P(std::string(kOtherPrefixLabel), 1, 0, 10)};
  store.RecordKeyspace("sampled", v);
  std::vector<TargetStatus> status = store.Status(0);
  ASSERT_EQ(status.size(), 2U);  // neither polled: by name
  EXPECT_EQ(status[0].name, "plain");
  EXPECT_EQ(status[0].keyspace, std::nullopt);
  ASSERT_TRUE(status[1].keyspace.has_value());
  EXPECT_EQ(*status[1].keyspace, KeyspaceStatusOf(v));
  EXPECT_THAT(status[1].keyspace->last_cycle->top,
              ElementsAre(Field(&PrefixStatus::prefix, "q\\\"\\\\<script>:*")));
  // The sampler stops (keyspace: {enabled: false}): gone from the page.
  store.RecordKeyspace("sampled", std::nullopt);
  EXPECT_EQ(store.Status(0)[1].keyspace, std::nullopt);
}

}  // namespace keyspace_status_test
}  // namespace memwatch::metrics
