#include "poller/schedule.h"

#include <gtest/gtest.h>

#include <set>

namespace memwatch::poller {
namespace schedule_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kT0 = MonoTime() + std::chrono::hours(1);

TEST(PhaseOffsetTest, SpreadsAListEvenlyOverOneInterval) {
  std::set<Duration> phases;
  for (size_t i = 0; i < 1000; ++i) {
    const Duration phase = PhaseOffset(i, 1000, seconds(1));
    EXPECT_GE(phase, Duration::zero());
    EXPECT_LT(phase, seconds(1));
    phases.insert(phase);
  }
  EXPECT_EQ(phases.size(), 1000u) << "1,000 targets at 1 s: one millisecond apart";
  EXPECT_EQ(PhaseOffset(0, 4, seconds(1)), Duration::zero());
  EXPECT_EQ(PhaseOffset(1, 4, seconds(1)), milliseconds(250));
  EXPECT_EQ(PhaseOffset(3, 4, seconds(1)), milliseconds(750));
}

TEST(PhaseOffsetTest, ASingleTargetOrAnEmptyIntervalHasNoPhase) {
  EXPECT_EQ(PhaseOffset(0, 1, seconds(1)), Duration::zero());
  EXPECT_EQ(PhaseOffset(0, 0, seconds(1)), Duration::zero());
  EXPECT_EQ(PhaseOffset(5, 10, Duration::zero()), Duration::zero());
}

TEST(NextDueAfterSuccessTest, OneIntervalAfterItWasDuePlusThePhaseOnce) {
  EXPECT_EQ(NextDueAfterSuccess(kT0, seconds(1), Duration::zero(), kT0 + milliseconds(3)),
            kT0 + seconds(1));
  EXPECT_EQ(NextDueAfterSuccess(kT0, seconds(1), milliseconds(400), kT0 + milliseconds(3)),
            kT0 + milliseconds(1400));
}

TEST(NextDueAfterSuccessTest, APollThatOutlastedItsIntervalSkipsTheMissedSlots) {
  // Due at 0, finished at 2.5 s: the slots at 1 s and 2 s are gone.
  EXPECT_EQ(NextDueAfterSuccess(kT0, seconds(1), Duration::zero(), kT0 + milliseconds(2500)),
            kT0 + seconds(3));
  // With a phase: 0.3 s, 1.3 s, 2.3 s passed; the cadence keeps the phase.
  EXPECT_EQ(NextDueAfterSuccess(kT0, seconds(1), milliseconds(300), kT0 + milliseconds(2500)),
            kT0 + milliseconds(3300));
}

TEST(NextDueAfterIntervalChangeTest, AFastIntervalTakesEffectAtOnce) {
  // Polled at 0 on a 30 s interval, switched to 1 s at 10 s: due at once.
  EXPECT_EQ(NextDueAfterIntervalChange(kT0, kT0 + seconds(30), seconds(1), kT0 + seconds(10)),
            kT0 + seconds(10));
  // Switched 200 ms after the last poll was due: one new interval after it.
  EXPECT_EQ(NextDueAfterIntervalChange(kT0, kT0 + seconds(30), seconds(1), kT0 + milliseconds(200)),
            kT0 + seconds(1));
  // A target far into its phase (due again at 1.9 s + 2 s) is not held back
  // by it.
  EXPECT_EQ(NextDueAfterIntervalChange(kT0, kT0 + milliseconds(3900), milliseconds(50),
                                       kT0 + milliseconds(5)),
            kT0 + milliseconds(50));
}

TEST(NextDueAfterIntervalChangeTest, ASlowerIntervalNeverPostponesThePlannedPoll) {
  EXPECT_EQ(NextDueAfterIntervalChange(kT0, kT0 + milliseconds(250), seconds(30),
                                       kT0 + milliseconds(100)),
            kT0 + milliseconds(250));
}

}  // namespace schedule_test
}  // namespace memwatch::poller
