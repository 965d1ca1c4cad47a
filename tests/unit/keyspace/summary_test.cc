// Summarize: estimates, bytes, share and dominant type per prefix, the two
// orderings with their "other", growth between complete cycles, and
// GrowingWithoutTtl; cycles are built by hand here (the sampler's own test
// replays a whole incident).
#include "keyspace/summary.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keyspace/cycle.h"
#include "keyspace/key_type.h"
#include "keyspace/prefix_table.h"
#include "memwatch/clock.h"

namespace memwatch::keyspace {
namespace summary_test {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const MonoTime kT0{hours(10)};

void AddKeys(Cycle& cycle, const std::string& prefix, int n, bool has_ttl,
             std::optional<int64_t> bytes = std::nullopt, KeyType type = KeyType::kString) {
  for (int i = 0; i < n; ++i) {
    cycle.table.Add(prefix, has_ttl, bytes, type);
  }
}

Cycle Complete(MonoTime started, MonoTime ended) {
  Cycle c(100);
  c.started = started;
  c.ended = ended;
  return c;
}

TEST(Summarize, EstimatesBytesShareAndType) {
  Cycle c(100);
  c.started = kT0;
  AddKeys(c, "a:*", 60, false, 1000, KeyType::kHash);
  AddKeys(c, "a:*", 20, false, std::nullopt, KeyType::kString);
  AddKeys(c, "b:*", 20, true, std::nullopt, KeyType::kZset);
  const KeyspaceSummary s = Summarize(c, 10000, kT0 + seconds(30), 10);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.total_keys, 10000U);
  EXPECT_EQ(s.sampled_keys, 100U);
  EXPECT_DOUBLE_EQ(s.seconds, 30);
  ASSERT_EQ(s.by_bytes.size(), 2U);  // no "other": every key is listed
  const PrefixSummary& a = s.by_bytes[0];
  EXPECT_EQ(a.prefix, "a:*");
  EXPECT_EQ(a.sampled, 80U);
  EXPECT_EQ(a.keys.value, 8000U);
  EXPECT_LT(a.keys.low, 8000U);
  EXPECT_GT(a.keys.high, 8000U);
  EXPECT_EQ(a.keys_without_ttl.value, 8000U);
  ASSERT_TRUE(a.bytes.has_value());
  EXPECT_EQ(*a.bytes, 8000U * 1000);  // estimated keys x mean sampled size
  EXPECT_EQ(a.bytes_samples, 60U);
  EXPECT_DOUBLE_EQ(a.share, 0.8);
  EXPECT_EQ(a.dominant_type, "hash");
  EXPECT_FALSE(a.keys_growth_per_hour.has_value());
  const PrefixSummary& b = s.by_bytes[1];
  EXPECT_FALSE(b.bytes.has_value());  // no MEMORY USAGE sample
  EXPECT_EQ(b.keys_without_ttl.value, 0U);
  EXPECT_EQ(b.dominant_type, "zset");
  // by_no_ttl lists only prefixes with keys without TTL; b goes to other.
  ASSERT_EQ(s.by_no_ttl.size(), 2U);
  EXPECT_EQ(s.by_no_ttl[0].prefix, "a:*");
  EXPECT_TRUE(s.by_no_ttl[1].other);
  EXPECT_EQ(s.by_no_ttl[1].prefix, "");
  EXPECT_EQ(s.by_no_ttl[1].sampled, 20U);
  EXPECT_EQ(s.by_no_ttl[1].keys_without_ttl.value, 0U);
}

TEST(Summarize, ByBytesRanksByKeysWithoutAnySizeSample) {
  Cycle c(100);
  AddKeys(c, "few:*", 10, true);
  AddKeys(c, "many:*", 30, true);
  const KeyspaceSummary s = Summarize(c, 40, kT0, 10);
  ASSERT_EQ(s.by_bytes.size(), 2U);
  EXPECT_EQ(s.by_bytes[0].prefix, "many:*");
  EXPECT_EQ(s.by_bytes[1].prefix, "few:*");
  EXPECT_TRUE(s.by_no_ttl.back().other);
  EXPECT_DOUBLE_EQ(s.seconds, 0);  // never started
}

TEST(Summarize, BigFewKeysOutrankManySmallByBytes) {
  Cycle c(100);
  AddKeys(c, "blob:*", 5, true, 1'000'000);
  AddKeys(c, "tiny:*", 500, true, 50);
  const KeyspaceSummary s = Summarize(c, 505, kT0, 10);
  EXPECT_EQ(s.by_bytes[0].prefix, "blob:*");
  EXPECT_EQ(*s.by_bytes[0].bytes, 5'000'000U);
  EXPECT_EQ(*s.by_bytes[1].bytes, 25'000U);
}

TEST(Summarize, TopNAndOtherSumToTheSample) {
  Cycle c(100);
  for (int p = 0; p < 30; ++p) {
    AddKeys(c, std::string("p").append(std::to_string(p)).append(":*"), p + 1, p % 2 == 0, 10);
  }
  const KeyspaceSummary s = Summarize(c, 465, kT0, 5);
  ASSERT_EQ(s.by_bytes.size(), 6U);
  EXPECT_EQ(s.by_bytes[0].prefix, "p29:*");
  EXPECT_TRUE(s.by_bytes[5].other);
  uint64_t sum = 0;
  for (const PrefixSummary& p : s.by_bytes) {
    sum += p.sampled;
  }
  EXPECT_EQ(sum, 465U);
  EXPECT_EQ(s.by_bytes[5].keys.value, 465U - (30 + 29 + 28 + 27 + 26));
  EXPECT_FALSE(s.by_bytes[5].keys_growth_per_hour.has_value());
  ASSERT_EQ(s.by_no_ttl.size(), 6U);
  EXPECT_EQ(s.by_no_ttl[0].prefix, "p29:*");  // the largest without TTL (odd p)
  EXPECT_EQ(s.by_no_ttl[1].prefix, "p27:*");
  EXPECT_EQ(s.by_no_ttl[4].prefix, "p21:*");
}

TEST(Summarize, TopZeroListsOnlyOther) {
  Cycle c(100);
  AddKeys(c, "a:*", 3, false);
  const KeyspaceSummary s = Summarize(c, 3, kT0, 0);
  ASSERT_EQ(s.by_bytes.size(), 1U);
  EXPECT_TRUE(s.by_bytes[0].other);
  EXPECT_EQ(s.by_bytes[0].keys.value, 3U);
  ASSERT_EQ(s.by_no_ttl.size(), 1U);
  EXPECT_TRUE(s.by_no_ttl[0].other);
}

TEST(Summarize, ZeroTotalKeysGivesZeroShare) {
  Cycle c(100);
  AddKeys(c, "a:*", 3, false);
  const KeyspaceSummary s = Summarize(c, 0, kT0, 10);
  EXPECT_DOUBLE_EQ(s.by_bytes[0].share, 0);
  EXPECT_EQ(s.by_bytes[0].keys.value, 0U);
}

TEST(Summarize, GrowthBetweenTheLastTwoCompleteCycles) {
  Cycle earlier = Complete(kT0, kT0 + minutes(10));
  AddKeys(earlier, "leak:*", 1000, false, 100);
  AddKeys(earlier, "cache:*", 500, true, 200);
  AddKeys(earlier, "gone:*", 10, false);
  Cycle later = Complete(kT0 + hours(2), kT0 + hours(2) + minutes(10));
  AddKeys(later, "leak:*", 1720, false, 100);
  AddKeys(later, "cache:*", 300, true);  // no size samples this time
  AddKeys(later, "new:*", 50, false);
  const KeyspaceSummary s = Summarize(later, 2070, kT0 + hours(3), 10, &earlier, &later);
  EXPECT_TRUE(s.complete);
  EXPECT_DOUBLE_EQ(s.seconds, 600);
  const PrefixSummary& leak = s.by_no_ttl[0];
  ASSERT_EQ(leak.prefix, "leak:*");
  EXPECT_DOUBLE_EQ(*leak.keys_growth_per_hour, 360);
  EXPECT_DOUBLE_EQ(*leak.keys_without_ttl_growth_per_hour, 360);
  EXPECT_DOUBLE_EQ(*leak.bytes_growth_per_hour, 36000);
  const PrefixSummary* cache = nullptr;
  const PrefixSummary* fresh = nullptr;
  for (const PrefixSummary& p : s.by_bytes) {
    if (p.prefix == "cache:*") {
      cache = &p;
    }
    if (p.prefix == "new:*") {
      fresh = &p;
    }
  }
  ASSERT_NE(cache, nullptr);
  EXPECT_DOUBLE_EQ(*cache->keys_growth_per_hour, -100);  // shrinking
  EXPECT_DOUBLE_EQ(*cache->keys_without_ttl_growth_per_hour, 0);
  EXPECT_FALSE(cache->bytes_growth_per_hour.has_value());  // no sizes in one cycle
  ASSERT_NE(fresh, nullptr);
  EXPECT_FALSE(fresh->keys_growth_per_hour.has_value());  // absent in the earlier cycle

  const std::vector<PrefixSummary> growing = GrowingWithoutTtl(s, 10);
  ASSERT_EQ(growing.size(), 1U);
  EXPECT_EQ(growing[0].prefix, "leak:*");
  EXPECT_TRUE(GrowingWithoutTtl(s, 400).empty());
}

TEST(Summarize, NoGrowthWithoutTwoCompleteCyclesApart) {
  Cycle a = Complete(kT0, kT0 + minutes(1));
  AddKeys(a, "x:*", 10, false);
  Cycle in_progress(100);
  AddKeys(in_progress, "x:*", 20, false);
  EXPECT_FALSE(Summarize(a, 10, kT0, 10, nullptr, &a).by_bytes[0].keys_growth_per_hour);
  EXPECT_FALSE(Summarize(a, 10, kT0, 10, &a, nullptr).by_bytes[0].keys_growth_per_hour);
  EXPECT_FALSE(Summarize(a, 10, kT0, 10, &a, &a).by_bytes[0].keys_growth_per_hour);  // 0 h
  EXPECT_FALSE(Summarize(a, 10, kT0, 10, &a, &in_progress)
                   .by_bytes[0]
                   .keys_growth_per_hour);  // not complete
}

TEST(GrowingWithoutTtl, FastestFirstAndNeverOtherOrShrinking) {
  KeyspaceSummary s;
  auto entry = [](std::string prefix, std::optional<double> rate, bool other = false) {
    PrefixSummary p;
    p.prefix = std::move(prefix);
    p.other = other;
    p.keys_without_ttl_growth_per_hour = rate;
    return p;
  };
  s.by_no_ttl = {entry("slow:*", 50), entry("fast:*", 5000), entry("down:*", -300),
                 entry("unknown:*", std::nullopt), entry("", 1e6, true)};
  const std::vector<PrefixSummary> g = GrowingWithoutTtl(s, 10);
  ASSERT_EQ(g.size(), 2U);
  EXPECT_EQ(g[0].prefix, "fast:*");
  EXPECT_EQ(g[1].prefix, "slow:*");
  // A threshold of 0 or below still wants growth.
  EXPECT_EQ(GrowingWithoutTtl(s, -1000).size(), 2U);
  EXPECT_TRUE(GrowingWithoutTtl(KeyspaceSummary{}, 1).empty());
}

}  // namespace summary_test
}  // namespace memwatch::keyspace
