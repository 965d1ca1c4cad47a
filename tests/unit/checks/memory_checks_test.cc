// memory_high and memory_headroom.
#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace memory_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

SnapshotBuilder Capped(int64_t maxmemory) {
  SnapshotBuilder b;
  b.Maxmemory(maxmemory);
  return b;
}

TEST(MemoryHighTest, WarningThenCriticalAgainstMaxmemory) {
  MonitorHarness h;
  SnapshotBuilder b = Capped(4 * kGiB);
  EXPECT_FALSE(Has(h.Poll(b.Used(static_cast<int64_t>(0.80 * 4 * kGiB)).Build()), "memory_high"));
  const auto warn = h.Poll(b.Used(static_cast<int64_t>(0.86 * 4 * kGiB)).Build());
  ASSERT_EQ(LevelOf(warn, "memory_high"), Severity::kWarning);
  const Finding& f = *FindingFor(warn, "memory_high");
  EXPECT_NE(f.summary.find("86% of maxmemory 4 GiB"), std::string::npos) << f.summary;
  EXPECT_NE(f.summary.find("refuses every write"), std::string::npos) << f.summary;
  EXPECT_EQ(LevelOf(h.Poll(b.Used(static_cast<int64_t>(0.96 * 4 * kGiB)).Build()), "memory_high"),
            Severity::kCritical);
}

TEST(MemoryHighTest, ClearsOnlyBelowTheClearMargin) {
  MonitorHarness h;
  SnapshotBuilder b = Capped(4 * kGiB);
  auto at = [&](double share) {
    return LevelOf(h.Poll(b.Used(static_cast<int64_t>(share * 4 * kGiB)).Build()), "memory_high");
  };
  EXPECT_EQ(at(0.96), Severity::kCritical);
  EXPECT_EQ(at(0.91), Severity::kCritical);  // above 95% - 5%
  EXPECT_EQ(at(0.89), Severity::kWarning);
  EXPECT_EQ(at(0.81), Severity::kWarning);  // above 85% - 5%
  EXPECT_EQ(at(0.79), std::nullopt);
}

TEST(MemoryHighTest, DoesNotFlapAtEitherThreshold) {
  MonitorHarness h;
  EXPECT_LE(ChangesAt(h, Capped(4 * kGiB), 4 * kGiB, 0.85, "memory_high"), 1);
  MonitorHarness h2;
  EXPECT_LE(ChangesAt(h2, Capped(4 * kGiB), 4 * kGiB, 0.95, "memory_high"), 1);
}

TEST(MemoryHighTest, UsesTheContainerLimitWithoutMaxmemory) {
  MonitorHarness h(4 * kGiB);
  const auto findings = h.Poll(SnapshotBuilder().Used(3584 * kMiB).Build());
  const Finding* f = FindingFor(findings, "memory_high");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("87.5% of memory_limit 4 GiB"), std::string::npos) << f->summary;
  EXPECT_NE(f->summary.find("the container then kills Redis"), std::string::npos);
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 3gb"), std::string::npos) << f->fix;
}

// Redis evicts and refuses writes by used_memory less what it does not
// count (a paused replica's buffer): so does memory_high against maxmemory,
// and says what it left out. Against a container limit all of it counts.
TEST(MemoryHighTest, AgainstMaxmemoryOnlyThePartRedisCounts) {
  MonitorHarness h;
  SnapshotBuilder b = Capped(4 * kGiB);
  b.Used(static_cast<int64_t>(0.96 * 4 * kGiB)).Set(&Snapshot::mem_not_counted_for_evict, kGiB);
  const auto findings = h.Poll(b.Build());
  ASSERT_EQ(LevelOf(findings, "memory_high"), std::nullopt) << "71% counted";
  b.Used(static_cast<int64_t>(0.90 * 4 * kGiB + kGiB));
  const auto warn = h.Poll(b.Build());
  ASSERT_EQ(LevelOf(warn, "memory_high"), Severity::kWarning);
  const Finding& f = *FindingFor(warn, "memory_high");
  EXPECT_NE(f.summary.find("90% of maxmemory 4 GiB"), std::string::npos) << f.summary;
  EXPECT_NE(EvidenceValue(f, "not counted against maxmemory").find("1 GiB"), std::string::npos);

  MonitorHarness container(4 * kGiB);
  SnapshotBuilder c;
  c.Used(static_cast<int64_t>(0.96 * 4 * kGiB)).Set(&Snapshot::mem_not_counted_for_evict, kGiB);
  EXPECT_EQ(LevelOf(container.Poll(c.Build()), "memory_high"), Severity::kCritical);
}

TEST(MemoryHighTest, QuietForCachesThatEvictByDesign) {
  MonitorHarness h;
  EXPECT_FALSE(
      Has(h.Poll(Capped(4 * kGiB).Policy("allkeys-lru").Used(4 * kGiB).Build()), "memory_high"));
}

TEST(MemoryHighTest, MissingFieldsDoNotFire) {
  MonitorHarness h;
  Snapshot s = SnapshotBuilder().Used(7 * kGiB).TotalSystemMemory(std::nullopt).Build();
  EXPECT_FALSE(Has(h.Poll(s), "memory_high"));  // no limit known
  s = Capped(4 * kGiB).Build();
  s.used_memory.reset();
  EXPECT_FALSE(Has(h.Poll(s), "memory_high"));
}

TEST(MemoryHighTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("memory_high"));
  EXPECT_FALSE(Has(h.Poll(Capped(4 * kGiB).Used(4 * kGiB).Build()), "memory_high"));
}

TEST(MemoryHeadroomTest, TheTeamsFixLeavesNoRoom) {
  MonitorHarness h(4 * kGiB);  // maxmemory 4gb in a 4g container
  const auto findings = h.Poll(Capped(4 * kGiB).Policy("volatile-lru").Build());
  const Finding* f = FindingFor(findings, "memory_headroom");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->summary.find("as large as the container's memory limit"), std::string::npos)
      << f->summary;
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 3gb\nCONFIG REWRITE\n"), std::string::npos) << f->fix;
  EXPECT_EQ(EvidenceValue(*f, "maxmemory"),
            "4 GiB (100% of memory_limit 4 GiB (the container's limit))");
}

TEST(MemoryHeadroomTest, TheCgroupLimitTheDaemonFoundIsTheContainers) {
  MonitorHarness h;  // no memory_limit written anywhere
  h.SetCgroupLimit(4 * kGiB);
  const auto findings = h.Poll(Capped(4 * kGiB).Policy("volatile-lru").Build());
  const Finding* f = FindingFor(findings, "memory_headroom");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("as large as the container's memory limit"), std::string::npos)
      << f->summary;
  EXPECT_EQ(EvidenceValue(*f, "maxmemory"), "4 GiB (100% of cgroup 4 GiB (the container's limit))");
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 3gb"), std::string::npos) << f->fix;

  // A memory_limit written in the config still wins.
  MonitorHarness written(8 * kGiB);
  written.SetCgroupLimit(4 * kGiB);
  const auto within = written.Poll(Capped(4 * kGiB).Build());
  EXPECT_EQ(FindingFor(within, "memory_headroom"), nullptr);
}

TEST(MemoryHighTest, AgainstTheCgroupLimitWithoutMaxmemory) {
  MonitorHarness h;
  h.SetCgroupLimit(4 * kGiB);
  const auto findings = h.Poll(SnapshotBuilder().Used(3584 * kMiB).Build());
  const Finding* f = FindingFor(findings, "memory_high");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("87.5% of cgroup 4 GiB"), std::string::npos) << f->summary;
}

TEST(MemoryHeadroomTest, SeventyFivePercentIsFineWithPersistence) {
  MonitorHarness h(4 * kGiB);
  EXPECT_FALSE(Has(h.Poll(Capped(3 * kGiB).Build()), "memory_headroom"));
  const auto findings = h.Poll(Capped(3584 * kMiB).Build());  // 87.5 %
  ASSERT_TRUE(Has(findings, "memory_headroom"));
  EXPECT_NE(FindingFor(findings, "memory_headroom")->summary.find("fork"), std::string::npos);
}

TEST(MemoryHeadroomTest, NinetyPercentIsFineWithoutPersistence) {
  MonitorHarness h(4 * kGiB);
  SnapshotBuilder b = Capped(3584 * kMiB);                                // 87.5 %
  b.Uptime(5 * 3600).Set(&Snapshot::rdb_changes_since_last_save, 90000);  // never saves
  EXPECT_FALSE(Has(h.Poll(b.Build()), "memory_headroom"));
  EXPECT_TRUE(Has(h.Poll(b.Maxmemory(3800 * kMiB).Build()), "memory_headroom"));
}

TEST(MemoryHeadroomTest, MeasuredCopyOnWriteNeedsMoreRoom) {
  MonitorHarness h(4 * kGiB);
  SnapshotBuilder b = Capped(3 * kGiB);
  b.Set(&Snapshot::rdb_last_cow_size, 1 * kGiB);  // 90% - 1.5 GiB = 2.1 GiB
  const auto findings = h.Poll(b.Build());
  const Finding* f = FindingFor(findings, "memory_headroom");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "copy-on-write at the last fork"), "1 GiB");
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 2150mb"), std::string::npos) << f->fix;
}

TEST(MemoryHeadroomTest, HostRamIsNamedAsSuch) {
  MonitorHarness h;
  const auto findings = h.Poll(Capped(7680 * kMiB).Build());  // 93.75 % of 8 GiB
  const Finding* f = FindingFor(findings, "memory_headroom");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("total_system_memory is the host's RAM, not the container's"),
            std::string::npos)
      << f->summary;
  EXPECT_NE(EvidenceValue(*f, "note").find("set memory_limit"), std::string::npos);
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory 6gb"), std::string::npos) << f->fix;
}

TEST(MemoryHeadroomTest, ClearsWhenLoweredAndDoesNotFlapWithCow) {
  MonitorHarness h(4 * kGiB);
  ASSERT_TRUE(Has(h.Poll(Capped(4 * kGiB).Build()), "memory_headroom"));
  EXPECT_FALSE(Has(h.Poll(Capped(3 * kGiB).Build()), "memory_headroom"));
  // maxmemory 2100 MiB; the measured copy-on-write moves the recommendation
  // to 2090 / 2110 MiB after alternate saves: no flapping.
  MonitorHarness h2(4 * kGiB);
  const double base_mib = 4096 * 0.9;
  EXPECT_LE(SeverityChanges(
                100,
                [&](int i) {
                  const double rec = i % 2 == 0 ? 2090 : 2110;
                  const auto cow = static_cast<int64_t>((base_mib - rec) / 1.5 * kMiB);
                  return LevelOf(
                      h2.Poll(Capped(2100 * kMiB).Set(&Snapshot::rdb_last_cow_size, cow).Build()),
                      "memory_headroom");
                }),
            1);
}

TEST(MemoryHeadroomTest, MissingFieldsDoNotFire) {
  MonitorHarness h;  // no memory_limit, and INFO without total_system_memory
  EXPECT_FALSE(
      Has(h.Poll(Capped(8 * kGiB).TotalSystemMemory(std::nullopt).Build()), "memory_headroom"));
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Build()), "memory_headroom"));  // maxmemory 0
  Snapshot s = SnapshotBuilder().Build();
  s.maxmemory.reset();
  EXPECT_FALSE(Has(h.Poll(s), "memory_headroom"));
}

// Replicas ignore maxmemory by default: memory findings on one say so, and
// the same findings on a primary do not.
TEST(ReplicaNoteTest, MemoryFindingsOnAReplicaSayItIgnoresMaxmemory) {
  const std::string note = "This is a replica: replicas ignore maxmemory by default";
  MonitorHarness replica(4 * kGiB);
  SnapshotBuilder b = Capped(4 * kGiB);
  b.Used(static_cast<int64_t>(0.9 * 4 * kGiB)).Set(&Snapshot::role, std::string("slave"));
  const auto findings = replica.Poll(b.Build());
  for (const char* check : {"memory_high", "noeviction", "memory_headroom"}) {
    const Finding* f = FindingFor(findings, check);
    ASSERT_NE(f, nullptr) << check;
    EXPECT_NE(f->summary.find(note), std::string::npos) << check << ": " << f->summary;
  }
  const auto unset =
      replica.Poll(SnapshotBuilder().Set(&Snapshot::role, std::string("slave")).Build());
  ASSERT_TRUE(Has(unset, "maxmemory_unset"));
  EXPECT_NE(FindingFor(unset, "maxmemory_unset")->summary.find(note), std::string::npos);

  MonitorHarness primary(4 * kGiB);
  const auto on_primary = primary.Poll(b.Set(&Snapshot::role, std::string("master")).Build());
  ASSERT_TRUE(Has(on_primary, "memory_high"));
  for (const Finding& f : on_primary) {
    EXPECT_EQ(f.summary.find("replica"), std::string::npos) << f.check << ": " << f.summary;
  }
}

// When the daemon watches the replica's primary too, the note names it and
// its maxmemory, and says when the replica has less room than the primary
// may fill.
TEST(ReplicaNoteTest, ComparesWithTheWatchedPrimarysMaxmemory) {
  MonitorHarness replica(4 * kGiB);
  SnapshotBuilder b = Capped(2 * kGiB);
  b.Used(static_cast<int64_t>(0.9 * 2 * kGiB)).Set(&Snapshot::role, std::string("slave"));
  replica.SetPrimary(PrimaryLimit{"orders-primary", 3 * kGiB});
  const auto findings = replica.Poll(b.Build());
  const Finding* f = FindingFor(findings, "memory_high");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("(its primary orders-primary has maxmemory 3 GiB, more than this "
                            "replica's maxmemory 2 GiB: the replica runs out first)"),
            std::string::npos)
      << f->summary;

  replica.SetPrimary(PrimaryLimit{"orders-primary", 0});
  const auto unlimited = replica.Poll(b.Build());
  EXPECT_NE(FindingFor(unlimited, "memory_high")
                ->summary.find("its primary orders-primary has none: nothing caps"),
            std::string::npos);

  replica.SetPrimary(PrimaryLimit{"orders-primary", 1 * kGiB});
  const auto smaller = replica.Poll(b.Build());
  const std::string& summary = FindingFor(smaller, "memory_high")->summary;
  EXPECT_NE(summary.find("(its primary orders-primary has maxmemory 1 GiB)"), std::string::npos)
      << summary;
}

}  // namespace memory_checks_test
}  // namespace memwatch::checks
