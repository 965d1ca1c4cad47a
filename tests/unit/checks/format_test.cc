#include "checks/format.h"

#include <limits>

#include <gtest/gtest.h>

#include "checks/fix_advice.h"
#include "test_support.h"

namespace memwatch::checks {
namespace format_test {

using testing::kGiB;
using testing::kKiB;
using testing::kMiB;

TEST(FormatBytesTest, BinaryUnits) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(1024), "1 KiB");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(512 * kKiB), "512 KiB");
  EXPECT_EQ(FormatBytes(150 * kMiB), "150 MiB");
  EXPECT_EQ(FormatBytes(static_cast<int64_t>(3.2 * kGiB)), "3.2 GiB");
  EXPECT_EQ(FormatBytes(4 * kGiB), "4 GiB");
  EXPECT_EQ(FormatBytes(kMiB - 10), "1 MiB");  // not "1024 KiB"
  EXPECT_EQ(FormatBytes(-3 * kGiB / 2), "-1.5 GiB");
  EXPECT_EQ(FormatBytes(std::numeric_limits<int64_t>::min()), "-8192 PiB");
}

TEST(FormatDurationTest, CoarsestSensibleUnit) {
  EXPECT_EQ(FormatDuration(45), "45 s");
  EXPECT_EQ(FormatDuration(14 * 60), "14 min");
  EXPECT_EQ(FormatDuration(14 * 60 + 20), "14 min");
  EXPECT_EQ(FormatDuration(2 * 3600), "2 h");
  EXPECT_EQ(FormatDuration(3 * 3600 + 20 * 60), "3 h 20 min");
  EXPECT_EQ(FormatDuration(2 * 86400 + 5 * 3600), "2 d 5 h");
  EXPECT_EQ(FormatDuration(std::numeric_limits<double>::infinity()), "never");
}

TEST(FormatUtcTimeTest, DateAndMinuteInUtc) {
  EXPECT_EQ(FormatUtcTime(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(FormatUtcTime(1796601600 + 14 * 86400 + 14 * 3600 + 5 * 60 + 59),
            "2026-12-21 14:05 UTC");
}

TEST(FormatNumbersTest, PercentCountsAndRates) {
  EXPECT_EQ(FormatPercent(0.853), "85.3%");
  EXPECT_EQ(FormatPercent(0.8), "80%");
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-1234), "-1,234");
  EXPECT_EQ(FormatCountRate(0.1, "keys"), "6 keys/min");
  EXPECT_EQ(FormatCountRate(120, "keys"), "120 keys/s");
  EXPECT_EQ(FormatCountRate(0.001, "keys"), "3.6 keys/h");
  EXPECT_EQ(FormatByteRate(2.1 * kMiB / 3600), "2.1 MiB/h");
  EXPECT_EQ(FormatByteRate(40.0 * kMiB / 60), "40 MiB/min");
}

TEST(RedisSizeArgTest, RedisConfUnits) {
  EXPECT_EQ(RedisSizeArg(3 * kGiB), "3gb");
  EXPECT_EQ(RedisSizeArg(3686 * kMiB), "3686mb");
  EXPECT_EQ(RedisSizeArg(512 * kKiB), "512kb");
  EXPECT_EQ(RedisSizeArg(1000), "1000");
}

}  // namespace format_test
}  // namespace memwatch::checks
