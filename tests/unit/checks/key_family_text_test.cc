// The findings name the key prefixes behind them when the keyspace sampler
// has figures (Observation::key_families): no_ttl_growth the prefix that
// grows without a TTL, eviction_ineffective those that cannot be evicted,
// memory_high the heaviest, time_to_full the fastest growing. Without
// figures their text stays as before.
#include "checks/key_family_text.h"

#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace key_family_text_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

// The incident's keyspace as two complete cycles saw it: 200,000 cache
// keys with a TTL, 50,000 coupon keys without one growing by 360 an hour
// (one every 10 s), 1 KiB each.
KeyFamily Coupons() {
  return {.prefix = "coupon:gen:*",
          .sampled = 2000,
          .keys = 50000,
          .keys_without_ttl = 50000,
          .bytes = 50000 * 1024,
          .share = 0.2,
          .keys_growth_per_hour = 360,
          .keys_without_ttl_growth_per_hour = 360,
          .bytes_growth_per_hour = 360 * 3500};
}

KeyFamily Cache() {
  return {.prefix = "cache:user:*",
          .sampled = 8000,
          .keys = 200000,
          .keys_without_ttl = 0,
          .bytes = int64_t{200000} * 4096,
          .share = 0.8,
          .keys_growth_per_hour = 0,
          .keys_without_ttl_growth_per_hour = 0,
          .bytes_growth_per_hour = 0};
}

std::shared_ptr<const KeyFamilies> Incident(bool with_growth = true) {
  auto f = std::make_shared<KeyFamilies>();
  f->complete = true;
  f->total_keys = 250000;
  f->sampled_keys = 250000;
  KeyFamily coupons = Coupons();
  KeyFamily cache = Cache();
  if (!with_growth) {
    for (KeyFamily* k : {&coupons, &cache}) {
      k->keys_growth_per_hour.reset();
      k->keys_without_ttl_growth_per_hour.reset();
      k->bytes_growth_per_hour.reset();
    }
  }
  f->by_bytes = {cache, coupons};
  f->by_no_ttl = {coupons};
  return f;
}

TEST(KeyFamilyTextTest, DescribesGrowthWithoutTtlAsPeopleSayIt) {
  EXPECT_EQ(DescribeGrowth(Coupons()),
            "`coupon:gen:*` grows by 360 keys an hour, none with a TTL, about 1.2 MiB an hour");
  KeyFamily half = Coupons();
  half.keys_without_ttl = 25000;
  half.bytes_growth_per_hour.reset();  // then from the mean size: 360 x 1 KiB
  EXPECT_EQ(DescribeGrowth(half),
            "`coupon:gen:*` grows by 360 keys an hour, 50% of them without a TTL, about 360 KiB "
            "an hour");
  EXPECT_EQ(DescribeWithoutTtl(Coupons()),
            "`coupon:gen:*` holds about 50,000 keys without a TTL (20% of all keys)");
}

TEST(KeyFamilyTextTest, OrdersAndCapsTheNamedFamilies) {
  KeyFamilies f;
  for (int i = 0; i < 6; ++i) {
    KeyFamily k = Coupons();
    k.prefix = "job" + std::to_string(i) + ":*";
    k.keys_without_ttl_growth_per_hour = 10.0 * i;  // job0 does not grow
    f.by_no_ttl.push_back(k);
  }
  const std::vector<const KeyFamily*> growing = GrowingWithoutTtl(f);
  ASSERT_EQ(growing.size(), kNamedFamilies);
  EXPECT_EQ(growing[0]->prefix, "job5:*");
  EXPECT_EQ(growing[2]->prefix, "job3:*");
  EXPECT_EQ(MostWithoutTtl(f).size(), kNamedFamilies);
  EXPECT_EQ(DescribeSample(*Incident()), "250,000 of 250,000 keys sampled, full SCAN cycle");
  KeyFamilies on_replica = *Incident();
  on_replica.sampled_on = "orders/10.0.0.2:6379";
  EXPECT_EQ(DescribeSample(on_replica),
            "250,000 of 250,000 keys sampled, full SCAN cycle, on replica orders/10.0.0.2:6379");
}

TEST(KeyFamilyTextTest, NoTtlGrowthNamesTheCulpritAndItsFix) {
  MonitorHarness h;
  h.SetKeyFamilies(Incident());
  std::mt19937 rng(1);
  std::optional<Finding> f;
  for (int i = 0; i * 5 < 20 * 60 && !f; ++i) {
    f = Get(h.Poll(SnapshotBuilder().Keys(20000 + 500 + i / 2, 20000).Build(), 5s),
            "no_ttl_growth");
  }
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("`coupon:gen:*` grows by 360 keys an hour, none with a TTL, about "
                            "1.2 MiB an hour: the job writing these keys needs an expiry"),
            std::string::npos)
      << f->summary;
  EXPECT_NE(EvidenceValue(*f, "key prefixes growing without a TTL").find("coupon:gen:*"),
            std::string::npos);
  EXPECT_EQ(EvidenceValue(*f, "keyspace sample"),
            "250,000 of 250,000 keys sampled, full SCAN cycle");
  EXPECT_EQ(f->fix.rfind("Give the keys `coupon:gen:*` an expiry", 0), 0U) << f->fix;
}

TEST(KeyFamilyTextTest, NoTtlGrowthNamesTheLargestFamilyBeforeGrowthIsKnown) {
  MonitorHarness h;
  h.SetKeyFamilies(Incident(/*with_growth=*/false));
  std::optional<Finding> f;
  for (int i = 0; i * 5 < 20 * 60 && !f; ++i) {
    f = Get(h.Poll(SnapshotBuilder().Keys(20000 + 500 + i / 2, 20000).Build(), 5s),
            "no_ttl_growth");
  }
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("`coupon:gen:*` holds about 50,000 keys without a TTL"),
            std::string::npos)
      << f->summary;
}

TEST(KeyFamilyTextTest, WithoutFiguresTheTextIsUnchanged) {
  MonitorHarness h;
  std::optional<Finding> f;
  for (int i = 0; i * 5 < 20 * 60 && !f; ++i) {
    f = Get(h.Poll(SnapshotBuilder().Keys(20000 + 500 + i / 2, 20000).Build(), 5s),
            "no_ttl_growth");
  }
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("something creates keys and never sets a TTL"), std::string::npos);
  EXPECT_EQ(EvidenceValue(*f, "keyspace sample"), "");
}

TEST(KeyFamilyTextTest, EvictionIneffectiveNamesWhatCannotBeEvicted) {
  MonitorHarness h(4 * kGiB);
  h.SetKeyFamilies(Incident());
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("volatile-lru").Used(2 * kGiB).Keys(250000, 20000);
  const std::optional<Finding> f = Get(h.Poll(b.Build()), "eviction_ineffective");
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("it cannot evict `coupon:gen:*` holds about 50,000 keys"),
            std::string::npos)
      << f->summary;
  EXPECT_NE(EvidenceValue(*f, "key prefixes that cannot be evicted (no TTL)").find("coupon:gen:*"),
            std::string::npos);
}

TEST(KeyFamilyTextTest, MemoryHighNamesTheHeaviest) {
  MonitorHarness h;
  h.SetKeyFamilies(Incident());
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Used(static_cast<int64_t>(0.9 * 4 * kGiB));
  const std::optional<Finding> f = Get(h.Poll(b.Build()), "memory_high");
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("largest key prefixes: `cache:user:*` about 781 MiB (80% of keys), "
                            "`coupon:gen:*` about 48.8 MiB (20% of keys)"),
            std::string::npos)
      << f->summary;
  EXPECT_EQ(EvidenceValue(*f, "key prefixes growing fastest"),
            "`coupon:gen:*` +1.2 MiB/h (+360 keys/h)");
}

TEST(KeyFamilyTextTest, TimeToFullNamesTheFastestGrowing) {
  MonitorHarness h;
  h.SetKeyFamilies(Incident());
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB);
  const double rate = 1.0 * kGiB / (80 * 60);
  std::optional<Finding> f;
  for (int i = 0; i * 10 < 160 * 60 && !f; ++i) {
    f = Get(h.Poll(b.Used(static_cast<int64_t>(2.0 * kGiB + rate * i * 10)).Build(), 10s),
            "time_to_full");
  }
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->summary.find("growing fastest: `coupon:gen:*` +1.2 MiB/h (+360 keys/h)"),
            std::string::npos)
      << f->summary;
  EXPECT_NE(EvidenceValue(*f, "largest key prefixes").find("`cache:user:*`"), std::string::npos);
}

}  // namespace key_family_text_test
}  // namespace memwatch::checks
