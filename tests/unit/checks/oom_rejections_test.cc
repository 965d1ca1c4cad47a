#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace oom_rejections_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

SnapshotBuilder Full() {
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Used(4 * kGiB);
  return b;
}

TEST(OomRejectionsTest, FiresOnTheFirstPollThatShowsGrowth) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  // Rejections from before memwatch started are not news.
  EXPECT_FALSE(Has(h.Poll(b.OomErrors(5).Build()), "oom_rejections"));
  EXPECT_FALSE(Has(h.Poll(b.OomErrors(5).Build()), "oom_rejections"));
  const auto findings = h.Poll(b.OomErrors(7).Build());
  const Finding* f = FindingFor(findings, "oom_rejections");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->summary.find("2 writes failed since the last check"), std::string::npos)
      << f->summary;
  EXPECT_EQ(EvidenceValue(*f, "source"), "errorstat_OOM");
  EXPECT_NE(f->fix.find("CONFIG SET maxmemory-policy allkeys-lru"), std::string::npos) << f->fix;
}

TEST(OomRejectionsTest, NoOomLineMeansZero) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  h.Poll(b.Build());  // errorstats present, no OOM yet
  EXPECT_TRUE(Has(h.Poll(b.OomErrors(1).Build()), "oom_rejections"));
}

TEST(OomRejectionsTest, StaysForTheQuietWindowAndDoesNotFlap) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  int64_t oom = 0;
  h.Poll(b.OomErrors(oom).Build());
  EXPECT_LE(SeverityChanges(300,
                            [&](int i) {
                              if (i % 4 == 0) ++oom;  // intermittent
                              return LevelOf(h.Poll(b.OomErrors(oom).Build()), "oom_rejections");
                            }),
            1);
  const auto tail = h.Poll(b.Build(), 4min);
  ASSERT_TRUE(Has(tail, "oom_rejections"));
  EXPECT_NE(FindingFor(tail, "oom_rejections")->summary.find("refused writes for lack of memory"),
            std::string::npos);
  EXPECT_FALSE(Has(h.Poll(b.Build(), 61s), "oom_rejections"));
}

TEST(OomRejectionsTest, RestartAndResetstatAreNotRejections) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  h.Poll(b.OomErrors(40).Uptime(9000).Build());
  // Restart: uptime and counters start over; errorstats is empty again.
  EXPECT_FALSE(Has(h.Poll(b.Uptime(2).OomErrors(0).Build()), "oom_rejections"));
  EXPECT_FALSE(Has(h.Poll(b.Uptime(3).Build()), "oom_rejections"));
  EXPECT_TRUE(Has(h.Poll(b.Uptime(4).OomErrors(1).Build()), "oom_rejections"));  // real, new
  // CONFIG RESETSTAT: counter down, uptime on.
  MonitorHarness h2;
  h2.Poll(b.OomErrors(40).Uptime(100).Build());
  EXPECT_FALSE(Has(h2.Poll(b.Uptime(101).OomErrors(0).Build()), "oom_rejections"));
}

TEST(OomRejectionsTest, FallsBackToRejectedCalls) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  b.Set(&Snapshot::has_errorstats_section, false).Set(&Snapshot::commandstats_rejected_calls, 10);
  EXPECT_FALSE(Has(h.Poll(b.Build()), "oom_rejections"));
  const auto findings = h.Poll(b.Set(&Snapshot::commandstats_rejected_calls, 13).Build());
  const Finding* f = FindingFor(findings, "oom_rejections");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(EvidenceValue(*f, "source").find("rejected_calls"), std::string::npos);
}

TEST(OomRejectionsTest, Redis60InfersFromMaxmemoryUnderNoeviction) {
  MonitorHarness h;
  SnapshotBuilder b = Full();
  b.Set(&Snapshot::has_errorstats_section, false);
  const auto findings = h.Poll(b.Build());  // used == maxmemory, noeviction
  const Finding* f = FindingFor(findings, "oom_rejections");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(EvidenceValue(*f, "source").find("inferred"), std::string::npos);
  // Below maxmemory, or with an evicting policy, nothing is refused.
  MonitorHarness h2;
  EXPECT_FALSE(Has(h2.Poll(b.Used(3 * kGiB).Build()), "oom_rejections"));
  EXPECT_FALSE(Has(h2.Poll(b.Used(4 * kGiB).Policy("allkeys-lru").Build()), "oom_rejections"));
}

TEST(OomRejectionsTest, NothingKnownNothingFired) {
  MonitorHarness h;
  Snapshot s;  // an INFO reply with nothing we understand
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(Has(h.Poll(s), "oom_rejections"));
}

TEST(OomRejectionsTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("oom_rejections"));
  h.Poll(Full().OomErrors(1).Build());
  EXPECT_FALSE(Has(h.Poll(Full().OomErrors(100).Build()), "oom_rejections"));
}

}  // namespace oom_rejections_test
}  // namespace memwatch::checks
