// The last hour of used memory behind the sparkline: one point per step,
// the step's highest value, bounded, and honest about time.
#include "metrics/memory_history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::metrics {
namespace memory_history_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr double kT0 = 1796601600;  // a step boundary

TEST(MemoryHistoryTest, KeepsTheHighestValueOfEachStep) {
  MemoryHistory h;
  h.Record(kT0 + 1, 100);
  h.Record(kT0 + 10, 300);  // a peak between two polls is kept
  h.Record(kT0 + 29, 200);
  h.Record(kT0 + 31, 50);
  EXPECT_THAT(h.Points(kT0 + 40), ElementsAre(HistoryPoint{kT0, 300}, HistoryPoint{kT0 + 30, 50}));
}

TEST(MemoryHistoryTest, KeepsOneHourAtMost) {
  MemoryHistory h;
  for (int i = 0; i < 1000; ++i) h.Record(kT0 + i * kHistoryStepSeconds, i);
  const double now = kT0 + 999 * kHistoryStepSeconds;
  const std::vector<HistoryPoint> points = h.Points(now);
  ASSERT_EQ(points.size(), kHistoryPoints);
  EXPECT_EQ(points.front().used, 1000 - static_cast<int64_t>(kHistoryPoints));
  EXPECT_EQ(points.back().used, 999);
}

TEST(MemoryHistoryTest, PointsOlderThanAnHourAreNotShown) {
  MemoryHistory h;
  h.Record(kT0, 1);
  h.Record(kT0 + 3000, 2);
  EXPECT_THAT(h.Points(kT0 + 3000), ElementsAre(HistoryPoint{kT0, 1}, HistoryPoint{kT0 + 3000, 2}));
  EXPECT_THAT(h.Points(kT0 + 3700), ElementsAre(HistoryPoint{kT0 + 3000, 2}));
  EXPECT_THAT(h.Points(kT0 + 9000), IsEmpty());
}

TEST(MemoryHistoryTest, AClockThatStepsBackStartsOver) {
  MemoryHistory h;
  h.Record(kT0 + 600, 5);
  h.Record(kT0, 7);
  EXPECT_THAT(h.Points(kT0 + 10), ElementsAre(HistoryPoint{kT0, 7}));
}

}  // namespace memory_history_test
}  // namespace memwatch::metrics
