#include "checks/trend.h"

#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace memwatch::checks {
namespace trend_test {

std::vector<Point> Line(double slope, double noise, int n, double step = 5) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-noise, noise);
  std::vector<Point> p;
  for (int i = 0; i < n; ++i) p.push_back({i * step, 1000 + slope * i * step + jitter(rng)});
  return p;
}

TEST(RobustTrendTest, ExactOnALine) {
  const auto t = RobustTrend(Line(2.5, 0, 100));
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->slope, 2.5, 1e-9);
  EXPECT_NEAR(t->level, 1000 + 2.5 * 99 * 5, 1e-6);
  EXPECT_NEAR(t->high, t->level, 1e-6);
  EXPECT_DOUBLE_EQ(t->up_fraction, 1);
  EXPECT_EQ(t->points, 100u);
}

TEST(RobustTrendTest, IgnoresOneOffSpikes) {
  std::vector<Point> p = Line(2.0, 20, 180);
  for (int i : {20, 70, 71, 150}) p[i].v += 1e6;  // huge temporary values
  p[100].v -= 1e6;
  const auto t = RobustTrend(p);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->slope, 2.0, 0.1);
}

// used = growth*t + saw-tooth that climbs for `period` then drops (a batch of
// keys expiring), plus noise.
std::vector<Point> SawTooth(double growth, double amplitude, double period, int n) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> jitter(-amplitude / 20, amplitude / 20);
  std::vector<Point> p;
  for (int i = 0; i < n; ++i) {
    const double t = i * 5.0;
    const double phase = std::fmod(t, period) / period;
    p.push_back({t, 1e9 + growth * t + amplitude * phase + jitter(rng)});
  }
  return p;
}

TEST(RobustTrendTest, SawToothWithoutGrowthIsFlat) {
  // 15 min of 5 s polls, 64 MiB teeth every 7 min: each tooth alone climbs
  // at 160 KB/s.
  const double amplitude = 64.0 * 1024 * 1024;
  const auto t = RobustTrend(SawTooth(0, amplitude, 420, 180));
  ASSERT_TRUE(t.has_value());
  EXPECT_LT(std::fabs(t->slope), 0.25 * amplitude / 420) << t->slope;
  // The envelope sits near the teeth's tops (90th percentile: 0.9 A), the
  // level near their middle (0.5 A).
  EXPECT_NEAR(t->high - t->level, 0.4 * amplitude, 0.15 * amplitude);
}

TEST(RobustTrendTest, SawToothDoesNotHideGrowth) {
  const double amplitude = 64.0 * 1024 * 1024;
  const double growth = 60e3;  // 60 KB/s ~ 206 MiB/h
  const auto t = RobustTrend(SawTooth(growth, amplitude, 420, 180));
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->slope, growth, 0.35 * growth);
}

TEST(RobustTrendTest, NoiseIsNotMonotone) {
  const auto t = RobustTrend(Line(0, 10, 200));
  ASSERT_TRUE(t.has_value());
  EXPECT_LT(t->up_fraction, 0.75);
  EXPECT_LT(std::fabs(t->slope), 0.05);
}

TEST(RobustTrendTest, TooFewPoints) {
  EXPECT_FALSE(RobustTrend(std::vector<Point>{{0, 1}}).has_value());
  EXPECT_FALSE(RobustTrend(std::vector<Point>{{3, 1}, {3, 2}}).has_value());
}

TEST(SecondsToReachTest, GrowingFlatAndAlreadyThere) {
  EXPECT_DOUBLE_EQ(SecondsToReach(Trend{.slope = 2, .level = 90, .high = 100}, 300), 100);
  EXPECT_TRUE(std::isinf(SecondsToReach(Trend{.slope = 0, .level = 100, .high = 100}, 300)));
  EXPECT_TRUE(std::isinf(SecondsToReach(Trend{.slope = -1, .level = 100, .high = 100}, 300)));
  EXPECT_DOUBLE_EQ(SecondsToReach(Trend{.slope = -1, .level = 250, .high = 400}, 300), 0);
}

TEST(WindowTrendTest, NeedsHalfTheWindowAndTenPoints) {
  using namespace std::chrono_literals;
  const MonoTime t0 = MonoTime(std::chrono::hours(10));
  History h(900s);
  auto add = [&](int i) {
    h.Add(Sample{.at = t0 + std::chrono::seconds(i * 5), .used_memory = 1000 + i * 100});
  };
  for (int i = 0; i < 12; ++i) add(i);  // 55 s: 12 points but < 450 s
  EXPECT_FALSE(WindowTrend(h, Series::kUsedMemory, t0 + 55s, 900).has_value());
  for (int i = 12; i < 90; ++i) add(i);  // 445 s
  EXPECT_FALSE(WindowTrend(h, Series::kUsedMemory, t0 + 445s, 900).has_value());
  add(90);
  const auto t = WindowTrend(h, Series::kUsedMemory, t0 + 450s, 900);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->slope, 20, 1);  // ~100 per 5 s, rounded to KiB
  // No keyspace in these samples: no key trend.
  EXPECT_FALSE(WindowTrend(h, Series::kKeysWithoutTtl, t0 + 450s, 900).has_value());
}

}  // namespace trend_test
}  // namespace memwatch::checks
