// maxmemory_unset and noeviction: fire, stay quiet, clear, do not flap,
// survive missing fields, and give sized fixes.
#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace settings_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

TEST(MaxmemoryUnsetTest, StockRedisFiresAtFirstObservation) {
  MonitorHarness h;
  const auto findings = h.Poll(SnapshotBuilder().Build());
  const Finding* f = FindingFor(findings, "maxmemory_unset");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->summary.find("maxmemory is 0"), std::string::npos) << f->summary;
  EXPECT_EQ(EvidenceValue(*f, "maxmemory"), "0 (no limit)");
  EXPECT_EQ(EvidenceValue(*f, "used_memory"),
            "1 GiB (12.5% of total_system_memory 8 GiB (the host's RAM))");
  // 75 % of the host's 8 GiB: RDB is assumed on.
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 6gb\nCONFIG REWRITE\n"), std::string::npos) << f->fix;
  EXPECT_NE(f->fix.find("redis.conf (/etc/redis/redis.conf):\n  maxmemory 6gb"), std::string::npos);
  EXPECT_NE(f->fix.find("host's RAM, not the container's"), std::string::npos);
}

TEST(MaxmemoryUnsetTest, SizedFromMemoryLimit) {
  MonitorHarness h(4 * kGiB);
  const std::optional<Finding> f = Get(h.Poll(SnapshotBuilder().Build()), "maxmemory_unset");
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 3gb"), std::string::npos) << f->fix;
  EXPECT_EQ(f->fix.find("host's RAM"), std::string::npos);
  EXPECT_NE(f->summary.find("the container"), std::string::npos);
}

TEST(MaxmemoryUnsetTest, NinetyPercentWhenRedisNeverForks) {
  MonitorHarness h(4 * kGiB);
  // AOF off, never forked, writes unsaved for hours: `save ""`.
  const Snapshot s =
      SnapshotBuilder().Uptime(5 * 3600).Set(&Snapshot::rdb_changes_since_last_save, 50000).Build();
  const std::optional<Finding> f = Get(h.Poll(s), "maxmemory_unset");
  ASSERT_TRUE(f.has_value());
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 3686mb"), std::string::npos) << f->fix;
}

TEST(MaxmemoryUnsetTest, MeasuredCopyOnWriteLowersTheAdvice) {
  MonitorHarness h(4 * kGiB);
  const Snapshot s = SnapshotBuilder()
                         .Set(&Snapshot::aof_enabled, true)
                         .Set(&Snapshot::aof_last_cow_size, 800 * kMiB)
                         .Build();
  const std::optional<Finding> f = Get(h.Poll(s), "maxmemory_unset");
  ASSERT_TRUE(f.has_value());
  // 90 % of 4 GiB minus 1.5 x 800 MiB = 2486.4 MiB.
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 2486mb"), std::string::npos) << f->fix;
  EXPECT_NE(f->fix.find("800 MiB copy-on-write"), std::string::npos);
}

TEST(MaxmemoryUnsetTest, NoConfigFileMeansCommandLine) {
  MonitorHarness h(4 * kGiB);
  const std::optional<Finding> f =
      Get(h.Poll(SnapshotBuilder().Set(&Snapshot::config_file, std::string()).Build()),
          "maxmemory_unset");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->fix.find("CONFIG REWRITE\n"), std::string::npos) << f->fix;
  EXPECT_NE(f->fix.find("--maxmemory 3gb"), std::string::npos) << f->fix;
}

TEST(MaxmemoryUnsetTest, QuietWhenSetOrUnknown) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Maxmemory(3 * kGiB).Build()), "maxmemory_unset"));
  Snapshot s = SnapshotBuilder().Build();
  s.maxmemory.reset();
  EXPECT_FALSE(Has(h.Poll(s), "maxmemory_unset"));
}

TEST(MaxmemoryUnsetTest, CriticalNearTheLimitAndClearsWhenFixed) {
  MonitorHarness h;
  SnapshotBuilder b;
  EXPECT_EQ(LevelOf(h.Poll(b.Used(6 * kGiB).Build()), "maxmemory_unset"), Severity::kWarning);
  const auto findings = h.Poll(b.Used(7 * kGiB).Build());  // 87.5 % of 8 GiB
  EXPECT_EQ(LevelOf(findings, "maxmemory_unset"), Severity::kCritical);
  EXPECT_NE(FindingFor(findings, "maxmemory_unset")->summary.find("87.5%"), std::string::npos);
  EXPECT_EQ(LevelOf(h.Poll(b.Used(5 * kGiB).Build()), "maxmemory_unset"), Severity::kWarning);
  EXPECT_EQ(LevelOf(h.Poll(b.Maxmemory(6 * kGiB).Build()), "maxmemory_unset"), std::nullopt);
}

TEST(MaxmemoryUnsetTest, DoesNotFlapAtTheCriticalThreshold) {
  MonitorHarness h;
  EXPECT_LE(ChangesAt(h, SnapshotBuilder(), 8 * kGiB, 0.80, "maxmemory_unset"), 1);
}

TEST(MaxmemoryUnsetTest, MissingLimitsStillWarnWithoutSizing) {
  MonitorHarness h;
  const auto findings = h.Poll(SnapshotBuilder().TotalSystemMemory(std::nullopt).Build());
  const Finding* f = FindingFor(findings, "maxmemory_unset");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->fix.find("set memory_limit"), std::string::npos) << f->fix;
}

TEST(MaxmemoryUnsetTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("maxmemory_unset"));
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Used(7 * kGiB).Build()), "maxmemory_unset"));
  }
}

TEST(NoevictionTest, StockRedisFiresAtFirstObservation) {
  MonitorHarness h;
  const std::optional<Finding> f = Get(h.Poll(SnapshotBuilder().Build()), "noeviction");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(EvidenceValue(*f, "maxmemory_policy"), "noeviction");
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory-policy allkeys-lru\nCONFIG REWRITE\n"),
            std::string::npos)
      << f->fix;
  EXPECT_NE(f->fix.find("  maxmemory-policy allkeys-lru"), std::string::npos);
}

TEST(NoevictionTest, CriticalAtEightyPercentOfMaxmemory) {
  MonitorHarness h;
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB);
  EXPECT_EQ(LevelOf(h.Poll(b.Used(3 * kGiB).Build()), "noeviction"), Severity::kWarning);
  const auto findings = h.Poll(b.Used(3500 * kMiB).Build());
  EXPECT_EQ(LevelOf(findings, "noeviction"), Severity::kCritical);
  EXPECT_NE(FindingFor(findings, "noeviction")->summary.find("4 GiB limit"), std::string::npos);
}

TEST(NoevictionTest, DoesNotFlapAtTheCriticalThreshold) {
  MonitorHarness h;
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB);
  EXPECT_LE(ChangesAt(h, b, 4 * kGiB, 0.80, "noeviction"), 1);
}

TEST(NoevictionTest, QuietForEvictingPoliciesAndMissingPolicy) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Policy("allkeys-lru").Build()), "noeviction"));
  Snapshot s = SnapshotBuilder().Build();
  s.maxmemory_policy.reset();  // CONFIG-less managed service, stripped INFO
  s.maxmemory.reset();
  s.total_system_memory.reset();
  EXPECT_FALSE(Has(h.Poll(s), "noeviction"));
}

TEST(NoevictionTest, ClearsWhenThePolicyChanges) {
  MonitorHarness h;
  ASSERT_TRUE(Has(h.Poll(SnapshotBuilder().Build()), "noeviction"));
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Policy("allkeys-lfu").Build()), "noeviction"));
}

TEST(NoevictionTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("noeviction"));
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Build()), "noeviction"));
}

}  // namespace settings_checks_test
}  // namespace memwatch::checks
