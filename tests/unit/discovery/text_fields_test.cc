// The small helpers of the parsers: Split, ParseDecimal, ParsePort, and the
// printable forms of addresses and slot ranges.
#include "discovery/text_fields.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "discovery/node_address.h"
#include "discovery/resp_value.h"
#include "discovery/slot_range.h"

namespace memwatch::discovery {
namespace text_fields_test {

using Pieces = std::vector<std::string_view>;

TEST(Split, EmptyPiecesAndLimit) {
  EXPECT_EQ(Split("a,,b", ',', false), (Pieces{"a", "", "b"}));
  EXPECT_EQ(Split("a,,b", ',', true), (Pieces{"a", "b"}));
  EXPECT_EQ(Split("", ',', false), (Pieces{""}));
  EXPECT_EQ(Split("", ',', true), (Pieces{}));
  EXPECT_EQ(Split("a,b,c,d", ',', false, 3), (Pieces{"a", "b", "c,d"}));
  EXPECT_EQ(Split("a,", ',', false, 2), (Pieces{"a", ""}));
}

TEST(ParseDecimal, Bounds) {
  EXPECT_EQ(ParseDecimal("0"), 0);
  EXPECT_EQ(ParseDecimal("999999999999999999"), 999999999999999999);
  EXPECT_FALSE(ParseDecimal("9999999999999999999").has_value());  // 19 digits
  EXPECT_FALSE(ParseDecimal("").has_value());
  EXPECT_FALSE(ParseDecimal("-1").has_value());
  EXPECT_EQ(ParseDecimal("-1", true), -1);
  EXPECT_FALSE(ParseDecimal("-", true).has_value());
  EXPECT_FALSE(ParseDecimal("1 ").has_value());
  EXPECT_FALSE(ParseDecimal("+1").has_value());
}

TEST(ParsePort, Range) {
  EXPECT_EQ(ParsePort("0"), 0);
  EXPECT_EQ(ParsePort("65535"), 65535);
  EXPECT_FALSE(ParsePort("65536").has_value());
  EXPECT_FALSE(ParsePort("x").has_value());
}

TEST(ToString, AddressesAndSlots) {
  EXPECT_EQ(ToString(NodeAddress{"10.0.0.1", 6379}), "10.0.0.1:6379");
  EXPECT_EQ(ToString(NodeAddress{"::1", 7000}), "[::1]:7000");
  EXPECT_EQ(ToString(SlotRange{0, 5460}), "0-5460");
  EXPECT_EQ(ToString(SlotRange{7, 7}), "7");
}

TEST(RespValue, FindFieldAndDescribe) {
  const RespValue map =
      RespValue::Array({RespValue::String("a"), RespValue::Integer(1), RespValue::Integer(2),
                        RespValue::String("b"), RespValue::String("b"), RespValue::String("x")});
  ASSERT_NE(FindField(map, "a"), nullptr);
  EXPECT_EQ(FindField(map, "a")->integer, 1);
  EXPECT_EQ(FindField(map, "b")->text, "x");  // the value "b" at an odd index is no key
  EXPECT_EQ(FindField(map, "c"), nullptr);
  EXPECT_EQ(FindField(RespValue::String("a"), "a"), nullptr);
  EXPECT_EQ(Describe(RespValue::Error("ERR x")), "an error reply (\"ERR x\")");
  EXPECT_EQ(Describe(RespValue::Nil()), "nil");
}

}  // namespace text_fields_test
}  // namespace memwatch::discovery
