#include "alerting/retry_after.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace retry_after_test {

using std::chrono::seconds;
using testing::Wall0;  // Wed, 01 May 2024 12:00:00 GMT

std::optional<Duration> Parse(std::string_view v) { return ParseRetryAfter(v, Wall0()); }

constexpr Duration kHundredYears = seconds(int64_t{100} * 365 * 24 * 3600);

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `s` with bytes outside printable ASCII as \xNN, for failure messages.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out += c;
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      out += {'\\', 'x', kHex[b >> 4], kHex[b & 15]};
    }
  }
  return "'" + out + "'";
}

TEST(RetryAfterTest, DelaySeconds) {
  EXPECT_EQ(Parse("0"), Duration(0));
  EXPECT_EQ(Parse("1"), seconds(1));
  EXPECT_EQ(Parse("120"), seconds(120));
  EXPECT_EQ(Parse(" \t30 "), seconds(30));
  EXPECT_EQ(Parse("007"), seconds(7));
}

TEST(RetryAfterTest, HugeNumbersSaturateInsteadOfOverflowing) {
  EXPECT_EQ(Parse("99999999999999999999999999999999999999999999999"), kHundredYears);
  EXPECT_EQ(Parse("18446744073709551617"), kHundredYears);
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

// What every parse must hold, whatever the bytes. tests/fuzz/retry_fuzz.cc
// checks the range at scale under clang; this checks all of it on every
// build, on each prefix and each single-byte mutation of valid values.
void ExpectParseProperties(const std::string& value) {
  SCOPED_TRACE(Printable(value));
  const std::optional<Duration> got = Parse(value);
  // Never negative, never above the 100-year saturation.
  if (got.has_value()) {
    EXPECT_GE(*got, Duration::zero());
    EXPECT_LE(*got, kHundredYears);
  }
  // Spaces and tabs around the value change nothing.
  EXPECT_EQ(Parse(" \t" + value + "\t "), got);
  const std::string_view trimmed = TrimBlanks(value);
  // A control byte, DEL or a non-ASCII byte inside the value is never accepted.
  if (std::any_of(trimmed.begin(), trimmed.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b < 0x20 || b >= 0x7f;
      })) {
    EXPECT_FALSE(got.has_value());
  }
  if (!trimmed.empty() && trimmed.size() <= 18 &&
      std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // delay-seconds: exactly its value (18 digits cannot overflow).
    EXPECT_EQ(got, std::min<Duration>(seconds(std::stoll(std::string(trimmed))), kHundredYears));
  } else if (!trimmed.empty() && (trimmed.front() < '0' || trimmed.front() > '9')) {
    // An HTTP-date: the delay ParseHttpDate implies, zero for the past.
    const std::optional<WallTime> date = ParseHttpDate(value);
    if (date.has_value()) {
      EXPECT_EQ(got, *date <= Wall0()
                         ? Duration::zero()
                         : std::min(std::chrono::duration_cast<Duration>(*date - Wall0()),
                                    kHundredYears));
    } else {
      EXPECT_FALSE(got.has_value());
    }
  }
}

TEST(RetryAfterTest, PropertiesHoldForPrefixesAndMutationsOfValidValues) {
  const std::string dates[] = {"Wed, 01 May 2024 12:00:30 GMT", "Wednesday, 01-May-24 12:01:00 GMT",
                               "Wed May  1 12:00:05 2024"};
  const std::string seeds[] = {dates[0], dates[1], dates[2], "120"};
  for (const std::string& seed : seeds) {
    ASSERT_TRUE(Parse(seed).has_value()) << seed;
    for (size_t len = 0; len <= seed.size(); ++len) ExpectParseProperties(seed.substr(0, len));
    for (size_t i = 0; i < seed.size(); ++i) {
      for (int b = 0; b < 256; ++b) {
        std::string s = seed;
        s[i] = static_cast<char>(b);
        ExpectParseProperties(s);
      }
    }
  }
  // No strict prefix of a date is a date; every prefix of a number is one.
  for (const std::string& date : dates) {
    for (size_t len = 0; len < date.size(); ++len) {
      EXPECT_FALSE(Parse(date.substr(0, len)).has_value()) << date.substr(0, len);
    }
  }
  EXPECT_EQ(Parse("1"), seconds(1));
  EXPECT_EQ(Parse("12"), seconds(12));
  // Far beyond any real header: rejected or saturated, in bounded work.
  const std::optional<Duration> nines = Parse(std::string(100000, '9'));
  EXPECT_TRUE(!nines.has_value() || *nines == kHundredYears);
  EXPECT_FALSE(Parse(std::string("\0\0\0", 3)).has_value());
  EXPECT_FALSE(Parse(std::string("12\0", 3)).has_value());
}

}  // namespace retry_after_test
}  // namespace memwatch::alerting
