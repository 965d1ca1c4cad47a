#include "config/edit_distance.h"

#include <array>

#include <gtest/gtest.h>

namespace memwatch::config {
namespace edit_distance_test {

TEST(EditDistanceTest, Basics) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("interval", "interval"), 0u);
  EXPECT_EQ(EditDistance("intervall", "interval"), 1u);  // insertion
  EXPECT_EQ(EditDistance("adress", "address"), 1u);      // deletion
  EXPECT_EQ(EditDistance("timeuot", "timeout"), 2u);     // transposition = 2 substitutions
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(ClosestMatchTest, SuggestsWithinTwoEdits) {
  constexpr std::array<std::string_view, 5> kKeys{"listen", "interval", "timeout", "checks",
                                                  "targets"};
  EXPECT_EQ(ClosestMatch("intervall", kKeys), "interval");
  EXPECT_EQ(ClosestMatch("target", kKeys), "targets");
  EXPECT_EQ(ClosestMatch("timeuot", kKeys), "timeout");
  EXPECT_EQ(ClosestMatch("Listen", kKeys), "listen");
  EXPECT_EQ(ClosestMatch("targetzzz", kKeys), "");  // 3 edits
  EXPECT_EQ(ClosestMatch("state_dir", kKeys), "");
}

TEST(ClosestMatchTest, NoSuggestionThatRewritesEveryCharacter) {
  constexpr std::array<std::string_view, 2> kKeys{"db", "ab"};
  EXPECT_EQ(ClosestMatch("x", kKeys), "");
  EXPECT_EQ(ClosestMatch("xb", kKeys), "db");  // first on a tie
}

}  // namespace edit_distance_test
}  // namespace memwatch::config
