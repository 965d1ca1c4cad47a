// PrefixTable: exact while it has room, bounded at capacity with the
// Space-Saving guarantees beyond it, every sample accounted for. EstimateKeys:
// known values, the clamps, and its 95 % interval against known populations.
#include "keyspace/prefix_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "keyspace/prefix.h"

namespace memwatch::keyspace {
namespace prefix_table_test {

uint64_t SumSampled(const PrefixTop& top) {
  uint64_t sum = top.other.sampled;
  for (const PrefixStats& s : top.prefixes) {
    sum += s.sampled;
  }
  return sum;
}

TEST(PrefixTable, CountsPerPrefixWhileItHasRoom) {
  PrefixTable table(10);
  for (int i = 0; i < 6; ++i) {
    table.Add("coupon:gen:*", false, i % 2 == 0 ? std::optional<int64_t>(100) : std::nullopt);
  }
  table.Add("cache:user:*", true, 40);
  table.Add("cache:user:*", false, 60);
  table.Add("counter", true, std::nullopt);

  const PrefixTop top = table.Top(2);
  ASSERT_EQ(top.prefixes.size(), 2U);
  EXPECT_EQ(top.prefixes[0].prefix, "coupon:gen:*");
  EXPECT_EQ(top.prefixes[0].sampled, 6U);
  EXPECT_EQ(top.prefixes[0].without_ttl, 6U);
  EXPECT_EQ(top.prefixes[0].bytes_sampled, 300U);
  EXPECT_EQ(top.prefixes[0].bytes_samples, 3U);
  EXPECT_EQ(top.prefixes[0].max_missed, 0U);
  EXPECT_EQ(top.prefixes[1].prefix, "cache:user:*");
  EXPECT_EQ(top.prefixes[1].without_ttl, 1U);
  EXPECT_EQ(top.prefixes[1].bytes_sampled, 100U);
  // "counter" is ranked below n: it goes to other.
  EXPECT_EQ(top.other.sampled, 1U);
  EXPECT_EQ(top.other.prefix, "");
  EXPECT_EQ(top.total_sampled, 9U);
  EXPECT_EQ(table.size(), 3U);
}

TEST(PrefixTable, ByBytesRanksByEstimatedBytes) {
  PrefixTable table(10);
  for (int i = 0; i < 100; ++i) {
    table.Add("small:*", true, i < 10 ? std::optional<int64_t>(50) : std::nullopt);
  }
  for (int i = 0; i < 5; ++i) {
    table.Add("big:*", true, 100000);
  }
  table.Add("unmeasured:*", true, std::nullopt);
  const PrefixTop by_keys = table.Top(3, PrefixOrder::kSampled);
  const PrefixTop by_bytes = table.Top(3, PrefixOrder::kBytes);
  EXPECT_EQ(by_keys.prefixes[0].prefix, "small:*");
  EXPECT_EQ(by_bytes.prefixes[0].prefix, "big:*");  // 500 kB against 100 * 50 B
  EXPECT_EQ(by_bytes.prefixes[1].prefix, "small:*");
  EXPECT_EQ(by_bytes.prefixes[2].prefix, "unmeasured:*");
}

TEST(PrefixTable, TiesRankByPrefix) {
  PrefixTable table(10);
  table.Add("b", true, std::nullopt);
  table.Add("a", true, std::nullopt);
  table.Add("c", true, std::nullopt);
  const PrefixTop top = table.Top(10);
  ASSERT_EQ(top.prefixes.size(), 3U);
  EXPECT_EQ(top.prefixes[0].prefix, "a");
  EXPECT_EQ(top.prefixes[2].prefix, "c");
}

TEST(PrefixTable, NegativeBytesAreAbsentAndHugeOnesSaturate) {
  PrefixTable table(4);
  table.Add("k", true, -1);
  table.Add("k", true, std::numeric_limits<int64_t>::max());
  table.Add("k", true, std::numeric_limits<int64_t>::max());
  table.Add("k", true, std::numeric_limits<int64_t>::max());
  const PrefixStats s = table.Top(1).prefixes.at(0);
  EXPECT_EQ(s.bytes_samples, 3U);
  EXPECT_EQ(s.bytes_sampled, std::numeric_limits<uint64_t>::max());
}

TEST(PrefixTable, CapacityZeroCountsEverythingAsOther) {
  PrefixTable table(0);
  table.Add("a", false, 10);
  table.Add("b", true, std::nullopt);
  const PrefixTop top = table.Top(5);
  EXPECT_TRUE(top.prefixes.empty());
  EXPECT_EQ(top.other.sampled, 2U);
  EXPECT_EQ(top.other.without_ttl, 1U);
  EXPECT_EQ(top.other.bytes_sampled, 10U);
  EXPECT_EQ(table.size(), 0U);
}

TEST(PrefixTable, AMillionDistinctFirstSegmentsStayAtCapacity) {
  constexpr size_t kCapacity = 100;
  PrefixTable table(kCapacity);
  uint64_t coupons = 0;
  uint64_t caches = 0;
  uint64_t late = 0;
  uint64_t warm = 0;
  for (int i = 0; i < 1000000; ++i) {
    // Appended piece by piece: `"u" + std::string&&` trips GCC 12's -Wrestrict.
    std::string prefix = "u";
    prefix.append(std::to_string(i)).append(":*");
    table.Add(prefix, true, std::nullopt);
    if (i % 5 == 0) {
      table.Add("coupon:gen:*", false, 120);
      ++coupons;
    }
    if (i % 10 == 0) {
      table.Add("cache:user:*", true, 80);
      ++caches;
    }
    if (i >= 500000 && i % 4 == 0) {  // a heavy hitter that appears late
      table.Add("late:*", false, std::nullopt);
      ++late;
    }
    // Rare early (evicted again and again), heavy later.
    if ((i < 500000 && i % 1000 == 0) || (i >= 500000 && i % 8 == 0)) {
      table.Add("warm:*", false, std::nullopt);
      ++warm;
    }
  }
  EXPECT_EQ(table.size(), kCapacity);
  const uint64_t total = table.total_sampled();
  EXPECT_EQ(total, 1000000 + coupons + caches + late + warm);

  const PrefixTop top = table.Top(4);
  ASSERT_EQ(top.prefixes.size(), 4U);
  EXPECT_EQ(top.prefixes[0].prefix, "coupon:gen:*");
  EXPECT_EQ(top.prefixes[1].prefix, "late:*");
  EXPECT_EQ(top.prefixes[2].prefix, "cache:user:*");
  EXPECT_EQ(top.prefixes[3].prefix, "warm:*");
  // Tracked since their first sample: exact.
  EXPECT_EQ(top.prefixes[0].sampled, coupons);
  EXPECT_EQ(top.prefixes[0].without_ttl, coupons);
  EXPECT_EQ(top.prefixes[0].bytes_sampled, coupons * 120);
  EXPECT_EQ(top.prefixes[0].max_missed, 0U);
  EXPECT_EQ(top.prefixes[2].sampled, caches);
  EXPECT_EQ(top.prefixes[1].sampled, late);
  // Evicted before: the true count lies within the documented bound.
  const PrefixStats& w = top.prefixes[3];
  EXPECT_LE(w.sampled, warm);
  EXPECT_GE(w.sampled + w.max_missed, warm);
  EXPECT_LE(w.max_missed, total / kCapacity);
  EXPECT_GT(w.max_missed, 0U);
  for (const PrefixStats& s : table.Top(kCapacity).prefixes) {
    EXPECT_LE(s.max_missed, total / kCapacity) << s.prefix;
  }
  // Nothing is lost: the entries and other add up to every sample.
  EXPECT_EQ(SumSampled(top), total);
  EXPECT_EQ(SumSampled(table.Top(kCapacity, PrefixOrder::kBytes)), total);
}

TEST(EstimateKeys, KnownValues) {
  const Estimate e = EstimateKeys(2000, 10000, 1000000);
  EXPECT_EQ(e.keys, 200000U);
  // p = 0.2, n = 10,000: half-width about 1.96 * sqrt(0.16 / 10000) = 0.0078.
  EXPECT_NEAR(static_cast<double>(e.low), 192200, 300);
  EXPECT_NEAR(static_cast<double>(e.high), 208000, 300);
}

TEST(EstimateKeys, EdgesAndClamps) {
  const Estimate none = EstimateKeys(0, 0, 500);
  EXPECT_EQ(none.keys, 0U);
  EXPECT_EQ(none.low, 0U);
  EXPECT_EQ(none.high, 500U);
  // Every key sampled: exact.
  const Estimate census = EstimateKeys(20, 100, 100);
  EXPECT_EQ(census.keys, 20U);
  EXPECT_EQ(census.low, 20U);
  EXPECT_EQ(census.high, 20U);
  // Not seen at all: zero, but not certainly zero (Wilson, unlike Wald).
  const Estimate unseen = EstimateKeys(0, 1000, 1000000);
  EXPECT_EQ(unseen.keys, 0U);
  EXPECT_EQ(unseen.low, 0U);
  EXPECT_GT(unseen.high, 1000U);
  EXPECT_LT(unseen.high, 5000U);
  const Estimate all = EstimateKeys(1000, 1000, 1000000);
  EXPECT_EQ(all.keys, 1000000U);
  EXPECT_EQ(all.high, 1000000U);
  EXPECT_LT(all.low, 1000000U);
  // What the sample proves: 5 seen inside, 5 seen outside of 12 keys.
  const Estimate small = EstimateKeys(5, 10, 12);
  EXPECT_GE(small.low, 5U);
  EXPECT_LE(small.high, 7U);
  EXPECT_EQ(small.keys, 6U);
  // More in the prefix than sampled: counts as all of them.
  EXPECT_EQ(EstimateKeys(50, 10, 100).keys, 100U);
  // DBSIZE below the sample (keys deleted meanwhile): no interval left.
  const Estimate shrunk = EstimateKeys(50, 100, 60);
  EXPECT_EQ(shrunk.keys, 30U);
  EXPECT_EQ(shrunk.low, 30U);
  EXPECT_EQ(shrunk.high, 30U);
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const Estimate huge = EstimateKeys(1, 2, max);
  EXPECT_LE(huge.low, huge.keys);
  EXPECT_LE(huge.keys, huge.high);
}

// A synthetic keyspace of kPopulation keys, about 20 % coupon:gen, 50 %
// cache:user, 30 % session; key i's name depends only on i.
constexpr uint64_t kPopulation = 1000000;

uint64_t Mix(uint64_t i) {  // splitmix64: a fixed, well-spread hash of i
  uint64_t z = i + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string KeyName(uint64_t i) {
  const uint64_t h = Mix(i);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  switch (h % 10) {
    case 0:
    case 1:
      return std::string("coupon:gen:") + hex + "-" + std::to_string(i);
    case 2:
    case 3:
    case 4:
      return "session:tok" + std::to_string(i) + "abcdefghijklmnop";
    default:
      return "cache:user:" + std::to_string(i);
  }
}

uint64_t TrueCouponCount() {
  uint64_t count = 0;
  for (uint64_t i = 0; i < kPopulation; ++i) {
    count += Mix(i) % 10 < 2 ? 1 : 0;
  }
  return count;
}

// n distinct key indices, uniformly at random (Floyd's algorithm).
std::vector<uint64_t> SampleIndices(uint64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::unordered_set<uint64_t> chosen;
  for (uint64_t j = kPopulation - n; j < kPopulation; ++j) {
    const uint64_t t = std::uniform_int_distribution<uint64_t>(0, j)(rng);
    chosen.insert(chosen.count(t) != 0 ? j : t);
  }
  return {chosen.begin(), chosen.end()};
}

// Samples the population, folds the names, counts them in a PrefixTable and
// estimates coupon:gen:* from it: the pipeline the sampler will run.
Estimate EstimateCoupons(uint64_t n, uint64_t seed) {
  PrefixTable table(50);
  for (const uint64_t i : SampleIndices(n, seed)) {
    table.Add(FoldKey(KeyName(i), FoldOptions{}), false, std::nullopt);
  }
  for (const PrefixStats& s : table.Top(50).prefixes) {
    if (s.prefix == "coupon:gen:*") {
      return EstimateKeys(s.sampled, table.total_sampled(), kPopulation);
    }
  }
  ADD_FAILURE() << "coupon:gen:* not among the prefixes";
  return {};
}

TEST(EstimateKeys, TheTrueCountOfASyntheticPopulationLiesInTheInterval) {
  const uint64_t truth = TrueCouponCount();
  ASSERT_NEAR(static_cast<double>(truth), 200000, 2000);
  const Estimate e = EstimateCoupons(10000, 42);
  EXPECT_LE(e.low, truth);
  EXPECT_GE(e.high, truth);
  EXPECT_NEAR(static_cast<double>(e.keys), static_cast<double>(truth), 0.05 * truth);
}

TEST(EstimateKeys, CoverageIsNearNinetyFivePercent) {
  const uint64_t truth = TrueCouponCount();
  int covered = 0;
  constexpr int kTrials = 200;
  for (int seed = 0; seed < kTrials; ++seed) {
    const Estimate e = EstimateCoupons(2000, static_cast<uint64_t>(seed));
    covered += e.low <= truth && truth <= e.high ? 1 : 0;
  }
  // Expected 190 of 200; below 180 would be 3.2 standard deviations off.
  EXPECT_GE(covered, 180);
  EXPECT_LE(covered, kTrials);
}

TEST(PrefixTable, CountsTypesAndFindsTrackedPrefixes) {
  PrefixTable table(2);
  table.Add("a:*", true, std::nullopt, KeyType::kHash);
  table.Add("a:*", false, std::nullopt, KeyType::kHash);
  table.Add("a:*", false, std::nullopt, KeyType::kString);
  table.Add("b:*", true, std::nullopt);  // type defaults to kOther
  ASSERT_NE(table.Find("a:*"), nullptr);
  EXPECT_EQ(table.Find("a:*")->by_type[static_cast<size_t>(KeyType::kHash)], 2U);
  EXPECT_EQ(table.Find("a:*")->by_type[static_cast<size_t>(KeyType::kString)], 1U);
  EXPECT_EQ(table.Find("b:*")->by_type[static_cast<size_t>(KeyType::kOther)], 1U);
  EXPECT_EQ(table.Find("c:*"), nullptr);
  // "c:*" evicts "b:*" (the smallest): its type counts move into other.
  table.Add("c:*", true, std::nullopt, KeyType::kSet);
  EXPECT_EQ(table.Find("b:*"), nullptr);
  const PrefixTop top = table.Top(10);
  EXPECT_EQ(top.other.by_type[static_cast<size_t>(KeyType::kOther)], 1U);
}

TEST(PrefixTable, ByWithoutTtlRanksByKeysWithoutTtl) {
  PrefixTable table(10);
  for (int i = 0; i < 10; ++i) {
    table.Add("cache:*", true, std::nullopt);
  }
  table.Add("queue:*", false, std::nullopt);
  table.Add("queue:*", false, std::nullopt);
  table.Add("lock:*", false, std::nullopt);
  const PrefixTop top = table.Top(2, PrefixOrder::kWithoutTtl);
  ASSERT_EQ(top.prefixes.size(), 2U);
  EXPECT_EQ(top.prefixes[0].prefix, "queue:*");
  EXPECT_EQ(top.prefixes[1].prefix, "lock:*");
  EXPECT_EQ(top.other.sampled, 10U);
}

TEST(KeyType, NamesRoundTrip) {
  for (const char* name : {"string", "list", "set", "zset", "hash", "stream"}) {
    EXPECT_EQ(KeyTypeName(KeyTypeFromName(name)), name);
  }
  EXPECT_EQ(KeyTypeFromName("ReJSON-RL"), KeyType::kOther);
  EXPECT_EQ(KeyTypeFromName("none"), KeyType::kOther);
  EXPECT_EQ(KeyTypeName(KeyType::kOther), "other");
}

}  // namespace prefix_table_test
}  // namespace memwatch::keyspace
