#include "config/duration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::config {
namespace duration_test {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

Duration Parsed(std::string_view text) {
  Result<Duration> r = ParseDuration(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.status().message());
  return r.ok() ? r.value() : Duration(-1);
}

std::string ErrorOf(std::string_view text) {
  Result<Duration> r = ParseDuration(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(ParseDurationTest, SingleUnits) {
  EXPECT_EQ(Parsed("250ms"), milliseconds(250));
  EXPECT_EQ(Parsed("1s"), seconds(1));
  EXPECT_EQ(Parsed("2m"), minutes(2));
  EXPECT_EQ(Parsed("1h"), hours(1));
  EXPECT_EQ(Parsed("90s"), seconds(90));
}

TEST(ParseDurationTest, CompoundAndFractions) {
  EXPECT_EQ(Parsed("1m30s"), seconds(90));
  EXPECT_EQ(Parsed("1h15m"), minutes(75));
  EXPECT_EQ(Parsed("1s500ms"), milliseconds(1500));
  EXPECT_EQ(Parsed("1.5s"), milliseconds(1500));
  EXPECT_EQ(Parsed("0.1s"), milliseconds(100));
  EXPECT_EQ(Parsed("0.5h"), minutes(30));
}

TEST(ParseDurationTest, ZeroIsReturnedForTheCallerToJudge) {
  EXPECT_EQ(Parsed("0s"), Duration::zero());
  EXPECT_EQ(Parsed("0ms"), Duration::zero());
}

TEST(ParseDurationTest, RejectsMissingUnit) {
  EXPECT_EQ(ErrorOf("5"), "'5' has no unit; write 5s or 5ms");
  EXPECT_EQ(ErrorOf("0"), "'0' has no unit; write 0s or 0ms");
}

TEST(ParseDurationTest, RejectsNegative) {
  EXPECT_EQ(ErrorOf("-1s"), "a duration cannot be negative, got '-1s'");
}

TEST(ParseDurationTest, RejectsGarbage) {
  EXPECT_EQ(ErrorOf(""), "expected a duration such as 500ms, 1s, 2m, 1h or 1m30s, got nothing");
  EXPECT_EQ(ErrorOf("fast"), "expected a duration such as 500ms, 1s, 2m, 1h or 1m30s, got 'fast'");
  EXPECT_THAT(ErrorOf("1 s"), HasSubstr("got '1 s'"));
  EXPECT_THAT(ErrorOf("+1s"), HasSubstr("got '+1s'"));
  EXPECT_THAT(ErrorOf("1m30"), HasSubstr("got '1m30'"));
  EXPECT_THAT(ErrorOf(".5s"), HasSubstr("got '.5s'"));
  EXPECT_THAT(ErrorOf("1.s"), HasSubstr("got '1.s'"));
}

TEST(ParseDurationTest, RejectsUnknownUnits) {
  EXPECT_EQ(ErrorOf("1d"), "unknown unit 'd' in '1d'; use ms, s, m or h");
  EXPECT_EQ(ErrorOf("1S"), "unknown unit 'S' in '1S'; use ms, s, m or h");
  EXPECT_EQ(ErrorOf("10sec"), "unknown unit 'sec' in '10sec'; use ms, s, m or h");
}

TEST(ParseDurationTest, RejectsSubMillisecond) {
  EXPECT_EQ(ErrorOf("0.5ms"), "duration '0.5ms' is finer than the 1ms resolution");
  EXPECT_EQ(ErrorOf("1.0001s"), "duration '1.0001s' is finer than the 1ms resolution");
}

TEST(ParseDurationTest, RejectsOverflow) {
  EXPECT_EQ(ErrorOf("99999999999999999999h"), "duration '99999999999999999999h' is too large");
  EXPECT_EQ(ErrorOf("9223372036854775807h"), "duration '9223372036854775807h' is too large");
  // Each part fits, the sum does not.
  EXPECT_THAT(ErrorOf("9223372036854775807ms1ms"), HasSubstr("is too large"));
  EXPECT_EQ(Parsed("9223372036854775807ms"), milliseconds(9223372036854775807));
}

TEST(FormatDurationTest, LargestWholeUnit) {
  EXPECT_EQ(FormatDuration(Duration::zero()), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(minutes(5)), "5m");
  EXPECT_EQ(FormatDuration(hours(4)), "4h");
  for (Duration d :
       {Duration(1), Duration(seconds(61)), Duration(minutes(90)), Duration(hours(48))}) {
    EXPECT_EQ(Parsed(FormatDuration(d)), d);
  }
}

}  // namespace duration_test
}  // namespace memwatch::config
