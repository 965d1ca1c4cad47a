// The line and field splitting and number parsing every /proc parser uses.
#include "host/text_fields.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace memwatch::host {
namespace text_fields_test {

using Views = std::vector<std::string_view>;

TEST(TextFieldsTest, SplitLines) {
  EXPECT_EQ(SplitLines(""), Views{});
  EXPECT_EQ(SplitLines("a\nb"), (Views{"a", "b"}));
  EXPECT_EQ(SplitLines("a\n\nb\n"), (Views{"a", "", "b"}));
}

TEST(TextFieldsTest, SplitFields) {
  EXPECT_EQ(SplitFields(" \t "), Views{});
  EXPECT_EQ(SplitFields("  0: 0100007F:18EB\t 0A "), (Views{"0:", "0100007F:18EB", "0A"}));
}

TEST(TextFieldsTest, SplitAt) {
  EXPECT_EQ(SplitAt("", ','), Views{""});
  EXPECT_EQ(SplitAt("a,,b", ','), (Views{"a", "", "b"}));
}

TEST(TextFieldsTest, ParseDecimal) {
  EXPECT_EQ(ParseDecimal("4242"), 4242);
  EXPECT_EQ(ParseDecimal("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseDecimal("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseDecimal(""), std::nullopt);
  EXPECT_EQ(ParseDecimal("-1"), std::nullopt);
  EXPECT_EQ(ParseDecimal("+1"), std::nullopt);
  EXPECT_EQ(ParseDecimal(" 1"), std::nullopt);
  EXPECT_EQ(ParseDecimal("1 "), std::nullopt);
  EXPECT_EQ(ParseUnsignedDecimal("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseUnsignedDecimal("18446744073709551616"), std::nullopt);
}

TEST(TextFieldsTest, TrimSpace) {
  EXPECT_EQ(TrimSpace(" \t max\r\n"), "max");
  EXPECT_EQ(TrimSpace("\n"), "");
}

}  // namespace text_fields_test
}  // namespace memwatch::host
