#include "alerting/retry_after.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace {

using std::chrono::seconds;
using testing::Wall0;  // Wed, 01 May 2024 12:00:00 GMT

std::optional<Duration> Parse(std::string_view v) { return ParseRetryAfter(v, Wall0()); }

TEST(RetryAfterTest, DelaySeconds) {
  EXPECT_EQ(Parse("0"), Duration(0));
  EXPECT_EQ(Parse("1"), seconds(1));
  EXPECT_EQ(Parse("120"), seconds(120));
  EXPECT_EQ(Parse(" \t30 "), seconds(30));
  EXPECT_EQ(Parse("007"), seconds(7));
}

TEST(RetryAfterTest, HugeNumbersSaturateInsteadOfOverflowing) {
  const auto hundred_years = seconds(int64_t{100} * 365 * 24 * 3600);
  EXPECT_EQ(Parse("99999999999999999999999999999999999999999999999"), hundred_years);
  EXPECT_EQ(Parse("18446744073709551617"), hundred_years);
}

TEST(RetryAfterTest, ImfFixdate) {
  EXPECT_EQ(Parse("Wed, 01 May 2024 12:00:30 GMT"), seconds(30));
  EXPECT_EQ(Parse("Thu, 02 May 2024 12:00:00 GMT"), seconds(86400));
}

TEST(RetryAfterTest, ObsoleteDateForms) {
  EXPECT_EQ(Parse("Wednesday, 01-May-24 12:01:00 GMT"), seconds(60));
  EXPECT_EQ(Parse("Wed May  1 12:00:05 2024"), seconds(5));
  EXPECT_EQ(Parse("Wed May 11 12:00:00 2024"), seconds(10 * 86400));
}

TEST(RetryAfterTest, PastDateMeansNow) {
  EXPECT_EQ(Parse("Sun, 06 Nov 1994 08:49:37 GMT"), Duration(0));
  EXPECT_EQ(Parse("Wed, 01 May 2024 12:00:00 GMT"), Duration(0));
}

TEST(RetryAfterTest, HttpDateIsExact) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->time_since_epoch(), seconds(784111777));
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), t);
}

TEST(RetryAfterTest, GarbageIsRejected) {
  for (std::string_view bad : {
           "",
           " ",
           "-1",
           "+5",
           "1.5",
           "1e3",
           "5 s",
           "soon",
           "0x10",
           "12abc",
           "Wed, 01 May 2024 12:00:30",           // no GMT
           "Wed, 01 May 2024 12:00:30 UTC",       // wrong zone
           "Wed, 31 Feb 2024 12:00:30 GMT",       // no such day
           "Wed, 01 Foo 2024 12:00:30 GMT",       // no such month
           "Wed, 01 May 2024 24:00:00 GMT",       // no such hour
           "Wed, 1 May 2024 12:00:30 GMT",        // one-digit day
           "Wed, 01 May 2024 12:00:30 GMT junk",  // trailing text
           "Xyz, 01 May 2024 12:00:30 GMT",       // no such day name
           "Wed,",
           "Wed May  1 12:00:05",
       }) {
    EXPECT_FALSE(Parse(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(RetryAfterTest, SurvivesArbitraryBytes) {
  // A poor man's fuzz run until the libFuzzer target exists: every prefix
  // and every single-byte mutation of valid values must parse or be
  // rejected, never crash.
  const std::string seeds[] = {"Wed, 01 May 2024 12:00:30 GMT", "Wednesday, 01-May-24 12:01:00 GMT",
                               "Wed May  1 12:00:05 2024", "120"};
  for (const std::string& seed : seeds) {
    for (size_t len = 0; len <= seed.size(); ++len) (void)Parse(seed.substr(0, len));
    for (size_t i = 0; i < seed.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string s = seed;
        s[i] = static_cast<char>(b);
        (void)Parse(s);
      }
    }
  }
  (void)Parse(std::string(100000, '9'));
  (void)Parse(std::string("\0\0\0", 3));
}

}  // namespace
}  // namespace memwatch::alerting
