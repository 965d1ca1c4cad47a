// eviction_ineffective and evicting.
#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace eviction_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

SnapshotBuilder Volatile(int64_t keys, int64_t expires) {
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("volatile-lru").Used(2 * kGiB).Keys(keys, expires);
  return b;
}

TEST(EvictionIneffectiveTest, FewTtlsUnderVolatileLru) {
  MonitorHarness h(4 * kGiB);
  const auto findings = h.Poll(Volatile(100000, 5000).Build());
  const Finding* f = FindingFor(findings, "eviction_ineffective");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->summary.find("only 5% of keys have one"), std::string::npos) << f->summary;
  EXPECT_NE(f->summary.find("refuses writes like noeviction"), std::string::npos);
  EXPECT_EQ(EvidenceValue(*f, "keys"), "100,000 (95,000 without a TTL)");
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory-policy allkeys-lru"), std::string::npos) << f->fix;
}

TEST(EvictionIneffectiveTest, CriticalNearMaxmemoryAndKeepsTheAlgorithm) {
  MonitorHarness h;
  const auto findings = h.Poll(Volatile(1000, 10).Policy("volatile-lfu").Used(3800 * kMiB).Build());
  ASSERT_EQ(LevelOf(findings, "eviction_ineffective"), Severity::kCritical);
  EXPECT_NE(FindingFor(findings, "eviction_ineffective")->fix.find("allkeys-lfu"),
            std::string::npos);
}

TEST(EvictionIneffectiveTest, QuietWithEnoughTtlsOrAnAllkeysPolicy) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Volatile(1000, 800).Build()), "eviction_ineffective"));
  EXPECT_FALSE(
      Has(h.Poll(Volatile(1000, 10).Policy("allkeys-lru").Build()), "eviction_ineffective"));
}

TEST(EvictionIneffectiveTest, ClearsAboveTheMarginWithoutFlapping) {
  MonitorHarness h;
  // TTL share oscillating 49.5% / 50.5% around min_ttl_share.
  EXPECT_LE(SeverityChanges(200,
                            [&](int i) {
                              return LevelOf(h.Poll(Volatile(1000, i % 2 ? 505 : 495).Build()),
                                             "eviction_ineffective");
                            }),
            1);
  EXPECT_TRUE(Has(h.Poll(Volatile(1000, 540).Build()), "eviction_ineffective"));
  EXPECT_FALSE(Has(h.Poll(Volatile(1000, 560).Build()), "eviction_ineffective"));
}

TEST(EvictionIneffectiveTest, MissingOrEmptyKeyspace) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Volatile(0, 0).Build()), "eviction_ineffective"));
  EXPECT_FALSE(Has(h.Poll(Volatile(10, 0).NoKeyspaceSection().Build()), "eviction_ineffective"));
  Snapshot s = Volatile(10, 0).Build();
  s.maxmemory_policy.reset();
  EXPECT_FALSE(Has(h.Poll(s), "eviction_ineffective"));
}

SnapshotBuilder Cache() {
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("allkeys-lru").Used(4 * kGiB);
  return b;
}

TEST(EvictingTest, InfoForAFewAndWarningForMany) {
  MonitorHarness h(4 * kGiB);
  SnapshotBuilder b = Cache();
  EXPECT_FALSE(Has(h.Poll(b.Evicted(1000).Build()), "evicting"));  // no baseline yet
  EXPECT_FALSE(Has(h.Poll(b.Evicted(1000).Build()), "evicting"));
  const auto few = h.Poll(b.Evicted(1010).Build());
  ASSERT_EQ(LevelOf(few, "evicting"), Severity::kInfo);
  EXPECT_EQ(EvidenceValue(*FindingFor(few, "evicting"), "eviction rate"), "10 keys/s");
  const auto many = h.Poll(b.Evicted(2010).Build());
  ASSERT_EQ(LevelOf(many, "evicting"), Severity::kWarning);
  EXPECT_EQ(EvidenceValue(*FindingFor(many, "evicting"), "evicted since it started"),
            "1,010 keys in 1 s");
}

TEST(EvictingTest, ClearsAfterTheQuietWindowWithoutFlapping) {
  MonitorHarness h;
  SnapshotBuilder b = Cache();
  int64_t evicted = 0;
  h.Poll(b.Evicted(evicted).Build());
  // Evictions every third poll for 10 minutes: one finding throughout.
  EXPECT_LE(SeverityChanges(600,
                            [&](int i) {
                              if (i % 3 == 0) evicted += 5;
                              return LevelOf(h.Poll(b.Evicted(evicted).Build()), "evicting");
                            }),
            1);
  EXPECT_TRUE(Has(h.Poll(b.Build(), 4min), "evicting"));
  EXPECT_FALSE(Has(h.Poll(b.Build(), 61s), "evicting"));
}

TEST(EvictingTest, CounterResetsAreNotEvictions) {
  MonitorHarness h;
  SnapshotBuilder b = Cache();
  h.Poll(b.Evicted(5000000).Uptime(100000).Build());
  EXPECT_FALSE(Has(h.Poll(b.Evicted(0).Uptime(3).Build()), "evicting"));  // restart
  EXPECT_FALSE(Has(h.Poll(b.Evicted(0).Uptime(4).Build()), "evicting"));
  h.Poll(b.Evicted(700).Uptime(5).Build());
  // CONFIG RESETSTAT: the counter drops while uptime goes on.
  MonitorHarness h2;
  h2.Poll(b.Evicted(900).Uptime(10).Build());
  h2.Poll(b.Evicted(900).Uptime(11).Build());
  EXPECT_FALSE(Has(h2.Poll(b.Evicted(0).Uptime(12).Build()), "evicting"));
}

TEST(EvictingTest, MissingCounterAndDisabled) {
  MonitorHarness h;
  Snapshot s = Cache().Build();
  s.evicted_keys.reset();
  EXPECT_FALSE(Has(h.Poll(s), "evicting"));
  EXPECT_FALSE(Has(h.Poll(s), "evicting"));
  MonitorHarness off(std::nullopt, Disabled("evicting"));
  off.Poll(Cache().Evicted(0).Build());
  EXPECT_FALSE(Has(off.Poll(Cache().Evicted(100000).Build()), "evicting"));
}

}  // namespace eviction_checks_test
}  // namespace memwatch::checks
