#include "memwatch/saturating.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace memwatch {
namespace saturating_test {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(SaturatingAddTest, AddsWhenItFits) {
  EXPECT_EQ(SaturatingAdd(2, 3), 5);
  EXPECT_EQ(SaturatingAdd(-2, 3), 1);
  EXPECT_EQ(SaturatingAdd(kMax, 0), kMax);
  EXPECT_EQ(SaturatingAdd(kMax, -1), kMax - 1);
}

TEST(SaturatingAddTest, PinsAtTheBoundItWouldPass) {
  EXPECT_EQ(SaturatingAdd(kMax, 1), kMax);
  EXPECT_EQ(SaturatingAdd(kMax, kMax), kMax);
  EXPECT_EQ(SaturatingAdd(kMin, -1), kMin);
  EXPECT_EQ(SaturatingAdd(kMin, kMin), kMin);
}

TEST(SaturatingCastTest, ClampsToTheNarrowType) {
  EXPECT_EQ(SaturatingCast<uint8_t>(200), 200);
  EXPECT_EQ(SaturatingCast<uint8_t>(300), 255);
  EXPECT_EQ(SaturatingCast<uint8_t>(-1), 0);
  EXPECT_EQ(SaturatingCast<uint16_t>(kMax), 65535);
  EXPECT_EQ(SaturatingCast<uint32_t>(int64_t{1} << 40), std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(SaturatingCast<int32_t>(kMin), std::numeric_limits<int32_t>::min());
}

}  // namespace saturating_test
}  // namespace memwatch
