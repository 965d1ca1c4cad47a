#include "poller/backoff.h"

#include <gtest/gtest.h>

#include <set>

namespace memwatch::poller {
namespace backoff_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackoffTest, FirstRetryComesAfterExactlyTheBase) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Backoff backoff(seconds(1), seconds(30), seed);
    EXPECT_EQ(backoff.NextDelay(), seconds(1));
  }
}

TEST(BackoffTest, EachDelayLiesInTheUpperHalfOfADoublingWindow) {
  Backoff backoff(seconds(1), seconds(30), 42);
  const milliseconds ceilings[] = {seconds(1),  seconds(2),  seconds(4),  seconds(8),
                                   seconds(16), seconds(30), seconds(30), seconds(30)};
  for (milliseconds ceiling : ceilings) {
    const Duration delay = backoff.NextDelay();
    EXPECT_GE(delay, std::max<milliseconds>(seconds(1), ceiling / 2)) << ceiling.count();
    EXPECT_LE(delay, ceiling) << ceiling.count();
  }
  EXPECT_EQ(backoff.failures(), 8);
}

TEST(BackoffTest, StaysCappedAfterManyFailuresWithoutOverflow) {
  Backoff backoff(milliseconds(500), seconds(30), 7);
  for (int i = 0; i < 1000; ++i) {
    const Duration delay = backoff.NextDelay();
    ASSERT_LE(delay, seconds(30));
    ASSERT_GE(delay, milliseconds(500));
  }
  EXPECT_GE(backoff.NextDelay(), seconds(15));
}

TEST(BackoffTest, ResetStartsAgainAtTheBase) {
  Backoff backoff(seconds(1), seconds(30), 1);
  for (int i = 0; i < 6; ++i) backoff.NextDelay();
  backoff.Reset();
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_EQ(backoff.NextDelay(), seconds(1));
}

TEST(BackoffTest, SameSeedGivesTheSameSchedule) {
  Backoff a(seconds(1), seconds(30), 1234);
  Backoff b(seconds(1), seconds(30), 1234);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(a.NextDelay(), b.NextDelay());
}

TEST(BackoffTest, DifferentSeedsSpreadTargetsThatFailedTogether) {
  std::set<Duration::rep> fifth_delays;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Backoff backoff(seconds(1), seconds(30), seed);
    for (int i = 0; i < 4; ++i) backoff.NextDelay();
    fifth_delays.insert(backoff.NextDelay().count());  // window [8 s, 16 s]
  }
  EXPECT_GT(fifth_delays.size(), 40u);
}

TEST(BackoffTest, NeverFasterThanTheBaseNorBelowOneMillisecond) {
  Backoff capped_below_base(seconds(2), seconds(1), 3);
  EXPECT_EQ(capped_below_base.NextDelay(), seconds(2));
  EXPECT_EQ(capped_below_base.NextDelay(), seconds(2));

  Backoff zero(milliseconds(0), milliseconds(0), 3);
  EXPECT_EQ(zero.NextDelay(), milliseconds(1));
}

TEST(BackoffTest, NewBoundsKeepTheFailuresCounted) {
  Backoff backoff(seconds(1), seconds(30), 3);
  for (int i = 0; i < 3; ++i) (void)backoff.NextDelay();
  // A reload: 200 ms interval, same cap. The 4th failure's window is
  // 200 ms * 2^3 = 1.6 s, not the first failure's 200 ms.
  backoff.SetBounds(milliseconds(200), seconds(30));
  const Duration delay = backoff.NextDelay();
  EXPECT_GE(delay, milliseconds(800));
  EXPECT_LE(delay, milliseconds(1600));
  EXPECT_EQ(backoff.failures(), 4);
  backoff.Reset();
  EXPECT_EQ(backoff.NextDelay(), milliseconds(200));
}

TEST(BackoffTest, NewBoundsAreClampedLikeTheFirstOnes) {
  Backoff backoff(seconds(1), seconds(30), 3);
  backoff.SetBounds(Duration(0), Duration(0));
  EXPECT_EQ(backoff.NextDelay(), milliseconds(1));
}

}  // namespace backoff_test
}  // namespace memwatch::poller
