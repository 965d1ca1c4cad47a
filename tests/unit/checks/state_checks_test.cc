// persistence_failing and fragmentation.
#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace state_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

TEST(PersistenceFailingTest, FailedBackgroundSave) {
  MonitorHarness h;
  SnapshotBuilder b;
  EXPECT_FALSE(Has(h.Poll(b.Build()), "persistence_failing"));
  const auto findings = h.Poll(b.Set(&Snapshot::rdb_last_bgsave_ok, false).Build());
  const Finding* f = FindingFor(findings, "persistence_failing");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(EvidenceValue(*f, "rdb_last_bgsave_status"), "err");
  EXPECT_NE(f->summary.find("MISCONF"), std::string::npos);
  EXPECT_NE(f->fix.find("sysctl vm.overcommit_memory=1"), std::string::npos);
  EXPECT_NE(f->fix.find("vm.overcommit_memory = 1"), std::string::npos);
  EXPECT_NE(f->fix.find("stop-writes-on-bgsave-error"), std::string::npos);
  EXPECT_NE(f->fix.find("CONFIG GET dir"), std::string::npos);
  // Clears once a save succeeds.
  EXPECT_FALSE(
      Has(h.Poll(b.Set(&Snapshot::rdb_last_bgsave_ok, true).Build()), "persistence_failing"));
}

TEST(PersistenceFailingTest, AofWriteOrRewrite) {
  MonitorHarness h;
  const auto findings = h.Poll(SnapshotBuilder()
                                   .Set(&Snapshot::aof_enabled, true)
                                   .Set(&Snapshot::aof_last_write_ok, false)
                                   .Set(&Snapshot::aof_last_bgrewrite_ok, false)
                                   .Build());
  const Finding* f = FindingFor(findings, "persistence_failing");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "aof_last_write_status"), "err");
  EXPECT_EQ(EvidenceValue(*f, "aof_last_bgrewrite_status"), "err");
}

TEST(PersistenceFailingTest, MissingFieldsAndDisabled) {
  MonitorHarness h;
  Snapshot s;
  EXPECT_FALSE(Has(h.Poll(s), "persistence_failing"));
  MonitorHarness off(std::nullopt, Disabled("persistence_failing"));
  EXPECT_FALSE(Has(off.Poll(SnapshotBuilder().Set(&Snapshot::rdb_last_bgsave_ok, false).Build()),
                   "persistence_failing"));
}

SnapshotBuilder Fragmented(double ratio, int64_t bytes) {
  SnapshotBuilder b;
  b.Maxmemory(6 * kGiB)
      .Set(&Snapshot::allocator_frag_ratio, ratio)
      .Set(&Snapshot::allocator_frag_bytes, bytes);
  return b;
}

TEST(FragmentationTest, AllocatorFragmentation) {
  MonitorHarness h;
  const auto findings = h.Poll(Fragmented(1.8, 600 * kMiB).Build());
  const Finding* f = FindingFor(findings, "fragmentation");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("600 MiB more memory than its data needs"), std::string::npos)
      << f->summary;
  EXPECT_NE(f->fix.find("CONFIG SET activedefrag yes\nCONFIG REWRITE\n"), std::string::npos)
      << f->fix;
  EXPECT_NE(f->fix.find("  activedefrag yes"), std::string::npos);
}

TEST(FragmentationTest, NeedsBothRatioAndBytes) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Fragmented(3.0, 20 * kMiB).Build()), "fragmentation"));  // small
  EXPECT_FALSE(Has(h.Poll(Fragmented(1.2, 900 * kMiB).Build()), "fragmentation"));
}

TEST(FragmentationTest, FallsBackToRssRatioWithoutAllocatorFields) {
  MonitorHarness h;
  Snapshot s = SnapshotBuilder().Used(2 * kGiB).Build();
  s.allocator_frag_ratio.reset();
  s.allocator_frag_bytes.reset();
  s.mem_fragmentation_ratio = 2.0;
  s.mem_fragmentation_bytes.reset();
  s.used_memory_rss = 4 * kGiB;  // bytes from rss - used
  const auto findings = h.Poll(s);
  const Finding* f = FindingFor(findings, "fragmentation");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "mem_fragmentation_bytes"), "2 GiB (fires above 100 MiB)");
  EXPECT_NE(f->fix.find("jemalloc"), std::string::npos);
}

TEST(FragmentationTest, SwappingButNotForSmallInstances) {
  MonitorHarness h;
  Snapshot s = SnapshotBuilder().Used(2 * kGiB).Build();
  s.mem_fragmentation_ratio = 0.7;
  s.used_memory_rss = 1400 * kMiB;
  const auto findings = h.Poll(s);
  ASSERT_TRUE(Has(findings, "fragmentation"));
  EXPECT_NE(FindingFor(findings, "fragmentation")->summary.find("swapped out"), std::string::npos);
  MonitorHarness small;
  s.used_memory = 10 * kMiB;
  EXPECT_FALSE(Has(small.Poll(s), "fragmentation"));
}

TEST(FragmentationTest, ClearsWithHysteresisAndDoesNotFlap) {
  MonitorHarness h;
  EXPECT_LE(SeverityChanges(200,
                            [&](int i) {
                              const double r = 1.5 + (i % 2 ? 0.005 : -0.005);
                              return LevelOf(h.Poll(Fragmented(r, 600 * kMiB).Build()),
                                             "fragmentation");
                            }),
            1);
  EXPECT_TRUE(Has(h.Poll(Fragmented(1.45, 600 * kMiB).Build()), "fragmentation"));
  EXPECT_FALSE(Has(h.Poll(Fragmented(1.3, 600 * kMiB).Build()), "fragmentation"));
  MonitorHarness swap;
  Snapshot s = SnapshotBuilder().Used(2 * kGiB).Build();
  EXPECT_LE(SeverityChanges(200,
                            [&](int i) {
                              s.mem_fragmentation_ratio = 0.9 + (i % 2 ? 0.005 : -0.005);
                              return LevelOf(swap.Poll(s), "fragmentation");
                            }),
            1);
}

TEST(FragmentationTest, MissingFields) {
  MonitorHarness h;
  Snapshot s = SnapshotBuilder().Build();
  s.allocator_frag_ratio.reset();
  s.allocator_frag_bytes.reset();
  s.mem_fragmentation_ratio.reset();
  EXPECT_FALSE(Has(h.Poll(s), "fragmentation"));
  s.allocator_frag_ratio = 2.5;  // ratio without bytes
  EXPECT_FALSE(Has(h.Poll(s), "fragmentation"));
}

}  // namespace state_checks_test
}  // namespace memwatch::checks
