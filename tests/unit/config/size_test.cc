#include "config/size.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::config {
namespace size_test {

using ::testing::HasSubstr;

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = 1024 * kKiB;
constexpr int64_t kGiB = 1024 * kMiB;
constexpr int64_t kTiB = 1024 * kGiB;

int64_t Parsed(std::string_view text) {
  Result<int64_t> r = ParseSize(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.status().message());
  return r.ok() ? r.value() : -1;
}

std::string ErrorOf(std::string_view text) {
  Result<int64_t> r = ParseSize(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(ParseSizeTest, PlainNumberIsBytes) {
  EXPECT_EQ(Parsed("4096"), 4096);
  EXPECT_EQ(Parsed("0"), 0);
  EXPECT_EQ(Parsed("4096b"), 4096);
  EXPECT_EQ(Parsed("4096B"), 4096);
}

TEST(ParseSizeTest, EverySpellingOfGigabytesIsBinary) {
  for (std::string_view text : {"4g", "4gb", "4GiB", "4Gi", "4G", "4GB", "4gib", "4gi", "4 GiB"}) {
    EXPECT_EQ(Parsed(text), 4 * kGiB) << text;
  }
}

TEST(ParseSizeTest, OtherUnits) {
  EXPECT_EQ(Parsed("1k"), kKiB);
  EXPECT_EQ(Parsed("1KB"), kKiB);
  EXPECT_EQ(Parsed("1Ki"), kKiB);
  EXPECT_EQ(Parsed("1KiB"), kKiB);
  EXPECT_EQ(Parsed("512m"), 512 * kMiB);
  EXPECT_EQ(Parsed("512MB"), 512 * kMiB);
  EXPECT_EQ(Parsed("512Mi"), 512 * kMiB);
  EXPECT_EQ(Parsed("512MiB"), 512 * kMiB);
  EXPECT_EQ(Parsed("2t"), 2 * kTiB);
  EXPECT_EQ(Parsed("2TiB"), 2 * kTiB);
  EXPECT_EQ(Parsed("2 tb"), 2 * kTiB);
}

TEST(ParseSizeTest, FractionsWithAUnitRoundDown) {
  EXPECT_EQ(Parsed("1.5GiB"), kGiB + kGiB / 2);
  EXPECT_EQ(Parsed("0.5k"), 512);
  EXPECT_EQ(Parsed("0.1k"), 102);  // 102.4 bytes
}

TEST(ParseSizeTest, RejectsFractionOfAByte) {
  EXPECT_EQ(ErrorOf("1.5"),
            "'1.5' is not a whole number of bytes; add a unit (e.g. 1.5MiB) or drop the fraction");
}

TEST(ParseSizeTest, RejectsNegative) {
  EXPECT_EQ(ErrorOf("-1GiB"), "a size cannot be negative, got '-1GiB'");
}

TEST(ParseSizeTest, RejectsGarbageAndUnknownUnits) {
  EXPECT_EQ(ErrorOf(""), "expected a size such as 4GiB, 512MiB or 1048576 (bytes), got nothing");
  EXPECT_EQ(ErrorOf("lots"), "expected a size such as 4GiB, 512MiB or 1048576 (bytes), got 'lots'");
  EXPECT_EQ(ErrorOf("4XB"),
            "unknown unit in '4XB'; use B, KiB, MiB, GiB or TiB (k, kb, Ki work too)");
  EXPECT_THAT(ErrorOf("4  GiB"), HasSubstr("unknown unit"));
  EXPECT_THAT(ErrorOf("4GiBs"), HasSubstr("unknown unit"));
  EXPECT_THAT(ErrorOf("4 096"), HasSubstr("unknown unit"));
}

TEST(ParseSizeTest, RejectsOverflow) {
  EXPECT_EQ(Parsed("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ErrorOf("9223372036854775808"), "size '9223372036854775808' is too large");
  EXPECT_EQ(ErrorOf("8388608TiB"), "size '8388608TiB' is too large");
  EXPECT_EQ(Parsed("8388607TiB"), 8388607 * kTiB);
  EXPECT_EQ(ErrorOf("99999999999999999999999k"), "size '99999999999999999999999k' is too large");
}

}  // namespace size_test
}  // namespace memwatch::config
