// Warnings before the first rejected write when memory fills in seconds or
// minutes, on a fake time axis: time_to_full and no_ttl_growth trust a
// short history for what it can show (forecast.h), and stay quiet for the
// expiry saw-tooth and one-off spikes. Lead times are printed for
// bench/RESULTS.md.
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace early_warning_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

// When each finding first fired, seconds on the fill's clock; -1 if never.
struct Leads {
  double time_to_full = -1;
  double time_to_full_critical = -1;
  double no_ttl_growth = -1;
  double oom = -1;  // the first poll at or above maxmemory

  void Print(const char* name) const {
    std::printf(
        "lead before the first OOM [%s]: time_to_full %.1f s (critical %.1f s), "
        "no_ttl_growth %.1f s; full at %.1f s\n",
        name, time_to_full < 0 ? -1 : oom - time_to_full,
        time_to_full_critical < 0 ? -1 : oom - time_to_full_critical,
        no_ttl_growth < 0 ? -1 : oom - no_ttl_growth, oom);
  }
};

// A Redis filling at `bytes_per_second` from `start` (seconds since the
// daemon started), with `keys_per_second` new keys without a TTL.
struct Fill {
  int64_t maxmemory;
  double bytes_per_second;
  double keys_per_second;
  double start = 0;
  int64_t used0 = 1 * kMiB;

  double Used(double t) const {
    return static_cast<double>(used0) + bytes_per_second * std::max(0.0, t - start);
  }
  Snapshot At(double t) const {
    const auto no_ttl = static_cast<int64_t>(500 + keys_per_second * std::max(0.0, t - start));
    SnapshotBuilder b;
    b.Maxmemory(maxmemory)
        .Used(static_cast<int64_t>(std::min(Used(t), static_cast<double>(maxmemory))))
        .Keys(no_ttl + 2000, 2000)
        .Uptime(100000 + static_cast<int64_t>(t));
    return b.Build();
  }
};

// Polls like the daemon: every second, every 250 ms from 90% of maxmemory
// (fast polling), from `from` until the first poll at maxmemory. Polling
// starts at `from` seconds on the fill's clock.
Leads PollUntilFull(MonitorHarness& h, const Fill& fill, double from) {
  Leads leads;
  double t = from;
  double step = 1;  // since the previous poll (the harness's first poll ignores it)
  while (t < from + 6 * 3600) {
    const auto findings =
        h.Poll(fill.At(t), std::chrono::milliseconds(static_cast<int64_t>(step * 1000)));
    if (fill.Used(t) >= static_cast<double>(fill.maxmemory)) {
      leads.oom = t;
      return leads;
    }
    if (leads.time_to_full < 0 && Has(findings, "time_to_full")) leads.time_to_full = t;
    if (leads.time_to_full_critical < 0 &&
        LevelOf(findings, "time_to_full") == Severity::kCritical) {
      leads.time_to_full_critical = t;
    }
    if (leads.no_ttl_growth < 0 && Has(findings, "no_ttl_growth")) leads.no_ttl_growth = t;
    step = fill.Used(t) >= 0.9 * static_cast<double>(fill.maxmemory) ? 0.25 : 1.0;
    t += step;
  }
  ADD_FAILURE() << "never full";
  return leads;
}

// maxmemory 20 MiB, noeviction, 0.7 MB/s: full about 30 s after the start.
const Fill kThirtySeconds{20 * kMiB, 0.7e6, 0};
// maxmemory 32 MiB, 100 keys/s without TTL of ~1 KiB each: full in 5 min.
const Fill kFiveMinutes{32 * kMiB, 100 * 1084.0, 100};

TEST(EarlyWarningTest, AThirtySecondFillIsCriticalTenSecondsAhead) {
  MonitorHarness h;
  const Leads leads = PollUntilFull(h, kThirtySeconds, 0);
  leads.Print("30 s fill");
  EXPECT_NEAR(leads.oom, 29, 2);
  ASSERT_GE(leads.time_to_full_critical, 0) << "time_to_full never critical before the OOM";
  EXPECT_GE(leads.oom - leads.time_to_full_critical, 10);
}

TEST(EarlyWarningTest, AFiveMinuteFillOfKeysWithoutTtlIsFlaggedByBoth) {
  MonitorHarness h;
  const Leads leads = PollUntilFull(h, kFiveMinutes, 0);
  leads.Print("5 min fill");
  EXPECT_NEAR(leads.oom, 300, 10);
  ASSERT_GE(leads.no_ttl_growth, 0) << "no_ttl_growth did not fire before the OOM";
  ASSERT_GE(leads.time_to_full, 0) << "time_to_full did not fire before the OOM";
  EXPECT_GE(leads.oom - leads.no_ttl_growth, 60);
  EXPECT_GE(leads.oom - leads.time_to_full, 60);
}

TEST(EarlyWarningTest, AFillThatStartsAnHourLaterIsFlaggedToo) {
  for (const Fill& base : {kThirtySeconds, kFiveMinutes}) {
    Fill fill = base;
    fill.start = 3600;  // an hour of flat history fills every window
    MonitorHarness h;
    for (double t = 0; t < fill.start; t += 1) {
      const auto findings = h.Poll(fill.At(t), 1s);
      ASSERT_FALSE(Has(findings, "time_to_full")) << t;
      ASSERT_FALSE(Has(findings, "no_ttl_growth")) << t;
    }
    const Leads leads = PollUntilFull(h, fill, fill.start);
    leads.Print(fill.keys_per_second > 0 ? "5 min fill after an hour" : "30 s fill after an hour");
    ASSERT_GE(leads.time_to_full_critical, 0);
    EXPECT_GE(leads.oom - leads.time_to_full_critical, fill.keys_per_second > 0 ? 30 : 10);
    if (fill.keys_per_second > 0) {
      ASSERT_GE(leads.no_ttl_growth, 0);
      EXPECT_GE(leads.oom - leads.no_ttl_growth, 60);
    }
  }
}

TEST(EarlyWarningTest, ADaemonRestartedInTheMiddleOfAFillStillWarns) {
  MonitorHarness before;
  for (double t = 0; t < 150; t += 1) before.Poll(kFiveMinutes.At(t), 1s);
  MonitorHarness after;  // a new process: no history
  const Leads leads = PollUntilFull(after, kFiveMinutes, 150);
  leads.Print("5 min fill, daemon restarted at 150 s");
  ASSERT_GE(leads.time_to_full, 0);
  ASSERT_GE(leads.no_ttl_growth, 0);
  EXPECT_GE(leads.oom - leads.time_to_full, 30);
  EXPECT_GE(leads.oom - leads.no_ttl_growth, 30);
}

// used = base + amplitude * (share of the period elapsed) + noise: cached
// keys written steadily and expiring in batches every `period` (their TTL).
// The keys with a TTL rise and fall with them; the keys without stay.
Snapshot SawTooth(double t, double base, double amplitude, double period, std::mt19937& rng) {
  std::uniform_real_distribution<double> noise(-0.005, 0.005);
  std::uniform_int_distribution<int> locks(0, 3);
  const double phase = std::fmod(t, period) / period;
  const double share = base + amplitude * phase + noise(rng);
  const auto ttl_keys = static_cast<int64_t>(20000 * (1 + phase));
  SnapshotBuilder b;
  b.Maxmemory(1 * kGiB)
      .Used(static_cast<int64_t>(share * static_cast<double>(kGiB)))
      .Keys(ttl_keys + 500 + locks(rng), ttl_keys)
      .Uptime(100000 + static_cast<int64_t>(t));
  return b.Build();
}

// Teeth up to 15 % of maxmemory at periods up to 5 min, and up to 5 % at
// 10 min, stay quiet from the first poll on. (Longer or larger teeth, a
// 10 % tooth every 10 min or one as long as the 15 min window, read as
// growth to the whole window's trend, as they did before the recent trends
// existed: bench/RESULTS.md, 2026-12-06.)
TEST(EarlyWarningTest, TheExpirySawToothStaysQuietAtManyTtlsAndPeriods) {
  struct Tooth {
    double period;
    double amplitude;
  };
  std::vector<Tooth> teeth;
  for (double period : {30.0, 60.0, 120.0, 300.0}) {
    for (double amplitude : {0.05, 0.15}) teeth.push_back({period, amplitude});
  }
  teeth.push_back({600, 0.05});
  for (const Tooth& tooth : teeth) {
    MonitorHarness h;
    std::mt19937 rng(static_cast<unsigned>(tooth.period + tooth.amplitude * 1000));
    // Every second, as the daemon polls, for an hour: the window fills
    // four times over.
    for (double t = 0; t < 3600; t += 1) {
      const auto findings = h.Poll(SawTooth(t, 0.5, tooth.amplitude, tooth.period, rng), 1s);
      ASSERT_FALSE(Has(findings, "time_to_full"))
          << "period " << tooth.period << " s, amplitude " << tooth.amplitude << ", t " << t;
      ASSERT_FALSE(Has(findings, "no_ttl_growth"))
          << "period " << tooth.period << " s, amplitude " << tooth.amplitude << ", t " << t;
    }
  }
}

TEST(EarlyWarningTest, OneOffSpikesStayQuiet) {
  MonitorHarness h;
  SnapshotBuilder b;
  b.Maxmemory(1 * kGiB);
  for (double t = 0; t < 2 * 3600; t += 1) {
    // 50 %, and 95 % for one poll every 10 minutes, the first at once.
    const double share = std::fmod(t, 600) < 1 ? 0.95 : 0.5;
    const auto findings = h.Poll(b.Used(static_cast<int64_t>(share * kGiB)).Build(), 1s);
    ASSERT_FALSE(Has(findings, "time_to_full")) << t;
    ASSERT_FALSE(Has(findings, "no_ttl_growth")) << t;
  }
}

}  // namespace early_warning_test
}  // namespace memwatch::checks
