// The engine: check order, disabling, frozen state while polls fail,
// reconfiguration and the history budget.
#include "checks/target_monitor.h"

#include <gtest/gtest.h>

#include "checks/check_registry.h"
#include "test_support.h"

namespace memwatch::checks {
namespace target_monitor_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

// A Redis with nearly everything wrong at once.
Snapshot Disaster() {
  return SnapshotBuilder()
      .Maxmemory(8 * kGiB)
      .Policy("volatile-lru")
      .Used(8 * kGiB)
      .Keys(1000, 10)
      .Set(&Snapshot::rdb_last_bgsave_ok, false)
      .Set(&Snapshot::allocator_frag_ratio, 2.0)
      .Set(&Snapshot::allocator_frag_bytes, 2 * kGiB)
      .Set(&Snapshot::blocked_clients, 500)
      .Build();
}

TEST(TargetMonitorTest, FindingsComeInSpecOrder) {
  MonitorHarness h;
  const auto findings = h.Poll(Disaster());
  ASSERT_GE(findings.size(), 5u);
  size_t last = 0;
  for (const Finding& f : findings) {
    size_t index = 0;
    while (AllChecks()[index].name != f.check) ++index;
    EXPECT_GE(index, last) << f.check;
    last = index;
  }
}

TEST(TargetMonitorTest, DisabledChecksNeverFire) {
  ChecksBlock all_off;
  for (const CheckSpec& c : AllChecks()) all_off[std::string(c.name)].enabled = false;
  MonitorHarness h(std::nullopt, all_off);
  SnapshotBuilder b;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(h.Poll(b.Used(7 * kGiB).OomErrors(i).Evicted(i * 1000).Build()).empty());
    EXPECT_TRUE(h.Fail(PollFailure::kTimeout).empty());
  }
  EXPECT_TRUE(h.Poll(Disaster()).empty());
}

TEST(TargetMonitorTest, DisablingAtReloadClearsAndReenablingStartsFresh) {
  MonitorHarness h;
  ASSERT_TRUE(Has(h.Poll(SnapshotBuilder().Build()), "noeviction"));
  h.Reconfigure(std::nullopt, Disabled("noeviction"));
  EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().Build()), "noeviction"));
  h.Reconfigure(std::nullopt);
  EXPECT_TRUE(Has(h.Poll(SnapshotBuilder().Build()), "noeviction"));
}

TEST(TargetMonitorTest, EmptySnapshotsAndFailuresNeverCrash) {
  MonitorHarness h;
  const Snapshot empty;
  for (int i = 0; i < 1000; ++i) {
    const auto findings = i % 10 == 9 ? h.Fail(PollFailure::kProtocol) : h.Poll(empty);
    for (const Finding& f : findings) EXPECT_EQ(f.check, "target_down");
  }
  EXPECT_FALSE(h.monitor().TimeToFullSeconds().has_value());
}

TEST(TargetMonitorTest, ReconfigureKeepsHistory) {
  MonitorHarness h;
  SnapshotBuilder b;
  for (int i = 0; i < 100; ++i) h.Poll(b.Used(2 * kGiB + i * 10 * kMiB).Build(), 10s);
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
  const double before = *h.monitor().TimeToFullSeconds();
  h.Reconfigure(4 * kGiB);
  h.Poll(b.Used(2 * kGiB + 100 * 10 * kMiB).Build(), 10s);
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
  EXPECT_LT(*h.monitor().TimeToFullSeconds(), before);  // 4 GiB container, not 8 GiB host
  // A longer window re-buckets what is kept (1,000 s cover half of 1,200 s).
  h.Reconfigure(4 * kGiB, WithParam("time_to_full", "window", 1200));
  h.Poll(b.Used(2 * kGiB + 101 * 10 * kMiB).Build(), 10s);
  EXPECT_TRUE(h.monitor().TimeToFullSeconds().has_value());
}

TEST(TargetMonitorTest, HistoryOfOneHourAtOneSecondFitsTheBudget) {
  ChecksBlock hour = WithParam("time_to_full", "window", 3600);
  hour["no_ttl_growth"].params["window"] = 3600;
  MonitorHarness h(std::nullopt, hour);
  SnapshotBuilder b;
  for (int i = 0; i < 3600; ++i) h.Poll(b.Used(2 * kGiB + i * kMiB).Keys(10000 + i, 9000).Build());
  const size_t bytes = h.monitor().HistoryBytes();
  EXPECT_LE(bytes, 32u * 1024);  // x 1,000 targets = 32 MiB, under the 64 MiB goal
  EXPECT_GE(bytes, History::kCapacity * sizeof(Bucket));
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
}

TEST(TargetMonitorTest, MonitorsAreMovable) {
  std::vector<TargetMonitor> monitors;
  for (int i = 0; i < 3; ++i) monitors.emplace_back(TargetInfo{"r", std::nullopt}, CheckSettings{});
  const Snapshot s = SnapshotBuilder().Build();
  Observation obs;
  obs.at = MonoTime(1h);
  obs.snapshot = &s;
  EXPECT_TRUE(Has(monitors.back().Observe(obs), "noeviction"));
}

}  // namespace target_monitor_test
}  // namespace memwatch::checks
