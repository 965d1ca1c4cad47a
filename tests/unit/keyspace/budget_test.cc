// SamplingBudget: the rate from a measured cost per key, its cap, the
// conservative start, backoff on pressure and gradual recovery, all with
// `now` passed in.
#include "keyspace/budget.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "memwatch/clock.h"

namespace memwatch::keyspace {
namespace budget_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kT0{seconds(1000)};

TEST(SamplingBudget, FirstIntervalBeforeAnyMeasurementIsConservative) {
  SamplingBudget budget;
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 100);
  EXPECT_EQ(budget.Allow(seconds(1), kT0), 100U);
  EXPECT_FALSE(budget.CostPerKeyUsec().has_value());
  EXPECT_EQ(budget.Reason(kT0), BackoffReason::kNone);
}

TEST(SamplingBudget, FivePerKeyIsCappedByMaxKeysPerSecond) {
  // 1 % of a second is 10,000 us: 2000 keys at 5 us each, the cap exactly.
  SamplingBudget budget;
  budget.OnCost(1000, 5000, kT0);
  EXPECT_DOUBLE_EQ(*budget.CostPerKeyUsec(), 5);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 2000);
  // Cheaper keys would allow more; the cap holds.
  SamplingBudget cheap;
  cheap.OnCost(1000, 1000, kT0);
  EXPECT_DOUBLE_EQ(cheap.KeysPerSecond(kT0), 2000);
  EXPECT_EQ(cheap.Allow(seconds(10), kT0), 20000U);
}

TEST(SamplingBudget, FiftyUsPerKeyGivesTwoHundredKeysPerSecond) {
  SamplingBudget budget;
  budget.OnCost(200, 10000, kT0);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 200);
  EXPECT_EQ(budget.Allow(seconds(1), kT0), 200U);
}

TEST(SamplingBudget, FivePercentBudget) {
  SamplingBudget budget(SamplingBudgetOptions{.budget = 0.05, .max_keys_per_second = 100000});
  budget.OnCost(100, 5000, kT0);  // 50 us per key: 50,000 us / 50 = 1000 keys/s
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 1000);
}

TEST(SamplingBudget, NoDivisionByZero) {
  SamplingBudget budget;
  budget.OnCost(0, 0, kT0);      // nothing sampled: ignored
  budget.OnCost(0, 12345, kT0);  // other clients' calls only: ignored
  EXPECT_FALSE(budget.CostPerKeyUsec().has_value());
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 100);
  budget.OnCost(500, 0, kT0);  // free keys: the cap
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 2000);
  EXPECT_EQ(budget.Allow(Duration{0}, kT0), 0U);
  EXPECT_EQ(budget.Allow(milliseconds(-5), kT0), 0U);
}

TEST(SamplingBudget, CostlierIntervalSlowsAtOnceCheaperOneGradually) {
  SamplingBudget budget;
  budget.OnCost(1000, 5000, kT0);  // 5 us
  budget.OnCost(100, 5000, kT0);   // 50 us: at once
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 200);
  budget.OnCost(1000, 5000, kT0);  // 5 us again: the average, not yet 5
  const double after_one = budget.KeysPerSecond(kT0);
  EXPECT_GT(after_one, 200);
  EXPECT_LT(after_one, 2000);
  for (int i = 0; i < 20; ++i) {
    budget.OnCost(1000, 5000, kT0);
  }
  EXPECT_NEAR(budget.KeysPerSecond(kT0), 2000, 1);
}

TEST(SamplingBudget, PressureHalvesAndRecoversGradually) {
  SamplingBudget budget;
  budget.OnCost(1000, 5000, kT0);
  budget.OnPressure(BackoffReason::kProbeLatency, kT0);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 1000);
  EXPECT_EQ(budget.Reason(kT0), BackoffReason::kProbeLatency);
  EXPECT_EQ(BackoffReasonName(budget.Reason(kT0)), "probe_latency");
  // A second signal halves again, and its reason is the one shown.
  budget.OnPressure(BackoffReason::kCommandTimeout, kT0);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 500);
  EXPECT_EQ(budget.Reason(kT0), BackoffReason::kCommandTimeout);
  // 1/120 per second: from 1/4 back to 1/2 in 30 s, to 1 in 90 s.
  EXPECT_DOUBLE_EQ(budget.BackoffFraction(kT0 + seconds(30)), 0.5);
  EXPECT_NEAR(budget.KeysPerSecond(kT0 + seconds(30)), 1000, 1e-9);
  EXPECT_EQ(budget.Reason(kT0 + seconds(89)), BackoffReason::kCommandTimeout);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0 + seconds(90)), 2000);
  EXPECT_EQ(budget.Reason(kT0 + seconds(90)), BackoffReason::kNone);
  EXPECT_EQ(BackoffReasonName(budget.Reason(kT0 + seconds(90))), "none");
}

TEST(SamplingBudget, SustainedPressureStopsAtTheFloor) {
  SamplingBudget budget;
  budget.OnCost(1000, 5000, kT0);
  for (int i = 0; i < 100; ++i) {
    budget.OnPressure(BackoffReason::kMemoryPressure, kT0);
  }
  EXPECT_DOUBLE_EQ(budget.BackoffFraction(kT0), 1.0 / 64);
  EXPECT_DOUBLE_EQ(budget.KeysPerSecond(kT0), 2000.0 / 64);
  EXPECT_EQ(BackoffReasonName(budget.Reason(kT0)), "memory_pressure");
  budget.OnPressure(BackoffReason::kNone, kT0 + seconds(1));  // not a signal
  EXPECT_EQ(budget.Reason(kT0 + seconds(1)), BackoffReason::kMemoryPressure);
}

TEST(SamplingBudget, ShortIntervalsCarryTheirFractions) {
  SamplingBudget budget;  // 100 keys/s before a measurement
  uint64_t total = 0;
  for (int i = 0; i < 1000; ++i) {
    total += budget.Allow(milliseconds(1), kT0);  // 0.1 key each
  }
  EXPECT_NEAR(static_cast<double>(total), 100, 1);
}

TEST(SamplingBudget, FullCycleOverAMillionKeysTakesFiveHundredSecondsAtBest) {
  SamplingBudget budget;
  budget.OnCost(2000, 10000, kT0);
  EXPECT_DOUBLE_EQ(1'000'000 / budget.KeysPerSecond(kT0), 500);
}

}  // namespace budget_test
}  // namespace memwatch::keyspace
