// time_to_full and no_ttl_growth: the checks that read the history.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace trend_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

constexpr double kStep = 10;  // seconds between polls

SnapshotBuilder Capped() {
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB);
  return b;
}

TEST(TimeToFullTest, UnknownBeforeEnoughHistoryInfiniteWhenFlat) {
  MonitorHarness h;
  SnapshotBuilder b = Capped();
  for (int i = 0; i < 45; ++i) {  // 440 s < half of 15 min
    h.Poll(b.Build(), 10s);
    EXPECT_FALSE(h.monitor().TimeToFullSeconds().has_value()) << i;
  }
  h.Poll(b.Build(), 10s);
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
  EXPECT_TRUE(std::isinf(*h.monitor().TimeToFullSeconds()));
}

TEST(TimeToFullTest, WarnsAnHourAheadAndCriticalTenMinutesAhead) {
  MonitorHarness h;
  SnapshotBuilder b = Capped();
  const double rate = 1.0 * kGiB / (80 * 60);  // full 160 min after 2 GiB
  double warned_at = -1, critical_at = -1;
  for (int i = 0; i * kStep < 160 * 60; ++i) {
    const double t = i * kStep;
    const auto findings = h.Poll(b.Used(static_cast<int64_t>(2.0 * kGiB + rate * t)).Build(), 10s);
    const auto level = LevelOf(findings, "time_to_full");
    if (level.has_value() && warned_at < 0) {
      warned_at = t;
      const Finding& f = *FindingFor(findings, "time_to_full");
      EXPECT_NE(f.summary.find("768 MiB/h"), std::string::npos) << f.summary;
      EXPECT_NE(f.summary.find("refuses every write"), std::string::npos) << f.summary;
      EXPECT_NEAR(*h.monitor().TimeToFullSeconds(), 3600, 60);
    }
    if (level == Severity::kCritical && critical_at < 0) critical_at = t;
  }
  EXPECT_NEAR(warned_at, 100 * 60, 60);
  EXPECT_NEAR(critical_at, 150 * 60, 60);
}

// A paused replica's buffer grows used_memory but not what Redis compares
// with maxmemory: no forecast of a full maxmemory from it.
TEST(TimeToFullTest, ReplicaBufferGrowthDoesNotFillMaxmemory) {
  MonitorHarness h;
  SnapshotBuilder b = Capped();
  const double rate = 1.0 * kGiB / (80 * 60);
  for (int i = 0; i * kStep < 120 * 60; ++i) {
    const auto buffer = static_cast<int64_t>(rate * i * kStep);
    b.Used(2 * kGiB + buffer).Set(&Snapshot::mem_not_counted_for_evict, buffer);
    EXPECT_FALSE(Has(h.Poll(b.Build(), 10s), "time_to_full")) << i;
  }
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
  EXPECT_TRUE(std::isinf(*h.monitor().TimeToFullSeconds()));
}

// 3 GiB + 100 MiB teeth every 5 min (a batch of cached keys expiring) +
// noise + a 400 MiB one-poll spike every 20 min + `growth` bytes/s.
int64_t Noisy(double t, double growth, std::mt19937& rng) {
  std::uniform_real_distribution<double> noise(-4.0 * kMiB, 4.0 * kMiB);
  double used = 3.0 * kGiB + growth * t + 100.0 * kMiB * std::fmod(t, 300) / 300 + noise(rng);
  if (std::fmod(t, 1200) < kStep) used += 400.0 * kMiB;
  return static_cast<int64_t>(used);
}

TEST(TimeToFullTest, SawToothAndSpikesAreNotGrowth) {
  MonitorHarness h;
  SnapshotBuilder b = Capped();
  std::mt19937 rng(3);
  for (int i = 0; i * kStep < 3 * 3600; ++i) {
    EXPECT_FALSE(Has(h.Poll(b.Used(Noisy(i * kStep, 0, rng)).Build(), 10s), "time_to_full")) << i;
    if (const auto ttf = h.monitor().TimeToFullSeconds()) {
      EXPECT_GT(*ttf, 2 * 3600) << i;
    }
  }
}

TEST(TimeToFullTest, SawToothDoesNotHideGrowth) {
  MonitorHarness h(std::nullopt);
  SnapshotBuilder b;
  b.Maxmemory(6 * kGiB);
  std::mt19937 rng(5);
  const double growth = 1.0 * kGiB / 3600;
  // 3 GiB at t=0 (+ the teeth' mean 50 MiB): full after ~2.95 h.
  for (int i = 0; i * kStep < 1.5 * 3600; ++i) {
    h.Poll(b.Used(Noisy(i * kStep, growth, rng)).Build(), 10s);
  }
  ASSERT_TRUE(h.monitor().TimeToFullSeconds().has_value());
  EXPECT_NEAR(*h.monitor().TimeToFullSeconds(), 1.45 * 3600, 0.25 * 1.45 * 3600);
}

TEST(TimeToFullTest, ForecastHoveringAtTheHorizonDoesNotFlap) {
  // The container limit moves with the data so the forecast alternates
  // 59.7 / 60.3 min.
  MonitorHarness h(8 * kGiB);
  SnapshotBuilder b;
  const double rate = 1.0 * kMiB;  // per second
  for (int i = 0; i < 60; ++i)
    h.Poll(b.Used(static_cast<int64_t>(2.0 * kGiB + rate * i * kStep)).Build(), 10s);
  int i = 60;
  EXPECT_LE(SeverityChanges(300,
                            [&](int k) {
                              const double used = 2.0 * kGiB + rate * i * kStep;
                              ++i;
                              const double ttf = 3600 * (k % 2 ? 1.005 : 0.995);
                              h.Reconfigure(static_cast<int64_t>(used + rate * ttf));
                              return LevelOf(
                                  h.Poll(b.Used(static_cast<int64_t>(used)).Build(), 10s),
                                  "time_to_full");
                            }),
            1);
}

TEST(TimeToFullTest, QuietForCachesMissingLimitsAndWhenDisabled) {
  for (int variant = 0; variant < 3; ++variant) {
    MonitorHarness h(std::nullopt, variant == 2 ? Disabled("time_to_full") : ChecksBlock{});
    SnapshotBuilder b = Capped();
    if (variant == 0) b.Policy("allkeys-lru");
    if (variant == 1) b.Maxmemory(0).TotalSystemMemory(std::nullopt);
    for (int i = 0; i < 600; ++i) {
      const auto used = static_cast<int64_t>(3.0 * kGiB + 1.0 * kMiB * i * kStep);
      EXPECT_FALSE(Has(h.Poll(b.Used(used).Build(), 10s), "time_to_full")) << variant;
    }
    EXPECT_EQ(h.monitor().TimeToFullSeconds().has_value(), variant != 1) << variant;
  }
}

// keys without TTL = base + rate * t, TTL keys wobbling +-200 around 20,000,
// plus 0..3 short-lived keys without TTL (locks) at any poll.
Snapshot Keys(double t, double no_ttl_per_s, std::mt19937& rng) {
  std::uniform_int_distribution<int> ttl(-200, 200), locks(0, 3);
  const int64_t expires = 20000 + ttl(rng);
  const int64_t no_ttl = 500 + static_cast<int64_t>(no_ttl_per_s * t) + locks(rng);
  return SnapshotBuilder().Keys(expires + no_ttl, expires).Build();
}

TEST(NoTtlGrowthTest, FiresOnAJobCreatingKeysWithoutTtl) {
  MonitorHarness h;
  std::mt19937 rng(1);
  double fired_at = -1;
  for (int i = 0; i * 5 < 20 * 60 && fired_at < 0; ++i) {
    const auto findings = h.Poll(Keys(i * 5, 0.1, rng), 5s);  // one key every 10 s
    if (const Finding* f = FindingFor(findings, "no_ttl_growth")) {
      fired_at = i * 5;
      EXPECT_NE(f->summary.find("+6 keys/min without a TTL"), std::string::npos) << f->summary;
      EXPECT_EQ(f->severity, Severity::kWarning);
    }
  }
  EXPECT_GT(fired_at, 0);
  EXPECT_LE(fired_at, 10 * 60);
}

TEST(NoTtlGrowthTest, QuietForTtlChurnAndNoise) {
  MonitorHarness h;
  std::mt19937 rng(2);
  for (int i = 0; i * 5 < 60 * 60; ++i) {
    EXPECT_FALSE(Has(h.Poll(Keys(i * 5, 0, rng), 5s), "no_ttl_growth")) << i;
  }
}

TEST(NoTtlGrowthTest, ClearsOnceTheGrowthStops) {
  MonitorHarness h;
  std::mt19937 rng(4);
  int i = 0;
  for (; i * 5 < 15 * 60; ++i) h.Poll(Keys(i * 5, 0.1, rng), 5s);
  ASSERT_TRUE(Has(h.Poll(Keys(i * 5, 0.1, rng), 5s), "no_ttl_growth"));
  const double stop = i * 5;
  double cleared_at = -1;
  for (int k = 0; k * 5 < 30 * 60 && cleared_at < 0; ++k) {
    // The job stopped: the count stays where it got to.
    if (!Has(h.Poll(Keys(stop, 0.1, rng), 5s), "no_ttl_growth")) cleared_at = k * 5;
  }
  EXPECT_GT(cleared_at, 0);
  EXPECT_LE(cleared_at, 16 * 60);
}

TEST(NoTtlGrowthTest, GrowthAtTheThresholdDoesNotFlap) {
  MonitorHarness h;  // 2 keys/min = min_keys (30) per 15 min window
  std::mt19937 rng(8);
  int i = 0;
  EXPECT_LE(SeverityChanges(720,
                            [&](int) {
                              ++i;
                              return LevelOf(h.Poll(Keys(i * 5, 2.0 / 60, rng), 5s),
                                             "no_ttl_growth");
                            }),
            1);
}

TEST(NoTtlGrowthTest, MissingKeyspace) {
  MonitorHarness h;
  for (int i = 0; i < 300; ++i) {
    EXPECT_FALSE(Has(h.Poll(SnapshotBuilder().NoKeyspaceSection().Build(), 5s), "no_ttl_growth"));
  }
}

}  // namespace trend_checks_test
}  // namespace memwatch::checks
