#include "poller/timer_queue.h"

#include <gtest/gtest.h>

namespace memwatch::poller {
namespace timer_queue_test {

using std::chrono::milliseconds;

const MonoTime kT0{std::chrono::seconds(1000)};

TEST(TimerQueueTest, PopsExpiredKeysEarliestFirst) {
  TimerQueue timers;
  timers.Set(1, kT0 + milliseconds(30));
  timers.Set(2, kT0 + milliseconds(10));
  timers.Set(3, kT0 + milliseconds(20));
  EXPECT_EQ(timers.Next(), kT0 + milliseconds(10));
  EXPECT_EQ(timers.PopExpired(kT0), std::nullopt);
  EXPECT_EQ(timers.PopExpired(kT0 + milliseconds(25)), 2u);
  EXPECT_EQ(timers.PopExpired(kT0 + milliseconds(25)), 3u);
  EXPECT_EQ(timers.PopExpired(kT0 + milliseconds(25)), std::nullopt);
  EXPECT_EQ(timers.size(), 1u);
}

TEST(TimerQueueTest, SetReplacesAKeysDeadline) {
  TimerQueue timers;
  timers.Set(1, kT0 + milliseconds(10));
  timers.Set(1, kT0 + milliseconds(50));
  EXPECT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers.Next(), kT0 + milliseconds(50));
  EXPECT_EQ(timers.PopExpired(kT0 + milliseconds(20)), std::nullopt);
}

TEST(TimerQueueTest, CancelRemovesOnlyThatKey) {
  TimerQueue timers;
  timers.Set(1, kT0);
  timers.Set(2, kT0);  // same deadline, different key
  timers.Cancel(1);
  timers.Cancel(99);
  EXPECT_EQ(timers.PopExpired(kT0), 2u);
  EXPECT_EQ(timers.Next(), std::nullopt);
}

}  // namespace timer_queue_test
}  // namespace memwatch::poller
