// GlobMatch: Redis's glob language over raw bytes, as KEYS and PSUBSCRIBE
// read it; GlobProblem: the patterns the config refuses.
#include "keyspace/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::keyspace {
namespace glob_test {

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(GlobMatch("session:*", "session:abc"));
  EXPECT_TRUE(GlobMatch("session:*", "session:"));
  EXPECT_FALSE(GlobMatch("session:*", "sessions:abc"));
  EXPECT_FALSE(GlobMatch("session:*", "xsession:abc"));
  EXPECT_TRUE(GlobMatch("*", ""));    // KEYS' every key
  EXPECT_FALSE(GlobMatch("**", ""));  // as Redis's stringmatchlen
  EXPECT_TRUE(GlobMatch("**", "anything"));
  EXPECT_TRUE(GlobMatch("*:lock", "a:b:lock"));
  EXPECT_FALSE(GlobMatch("*:lock", "a:b:lock:x"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYYbZZ"));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("", ""));
}

TEST(GlobMatch, Classes) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hallo"));  // reversed range
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));
  // As in Redis, `a-]` is a range (']' to 'a') and the class is unclosed.
  EXPECT_FALSE(GlobMatch("[a-]", "-"));
  EXPECT_TRUE(GlobMatch("[a-]", "_"));
  EXPECT_TRUE(GlobMatch("[-a]", "-"));   // a leading dash is itself
  EXPECT_FALSE(GlobMatch("[]", "a"));    // empty set
  EXPECT_TRUE(GlobMatch("[^]", "a"));    // empty negated set: any byte
  EXPECT_TRUE(GlobMatch("x[ab", "xa"));  // unclosed: ends at the end
  EXPECT_TRUE(GlobMatch("*[0-9]", "order:7"));
  EXPECT_FALSE(GlobMatch("*[0-9]", "order:x"));
}

TEST(GlobMatch, EscapesAndBinaryBytes) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "aXb"));
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));  // a trailing backslash is itself
  const std::string key("s:\x00\xff\n", 5);
  EXPECT_TRUE(GlobMatch("s:*", key));
  EXPECT_TRUE(GlobMatch(std::string("s:?\xff?", 5), key));
  EXPECT_TRUE(GlobMatch(std::string("s:[\x00-\x01]*", 8), key));
  EXPECT_TRUE(GlobMatch("s:[\x80-\xff]*", "s:\xc3\xa9"));
  // Bounds compare as signed bytes, as in Redis: 0xff (-1) to '-' spans
  // 0x00..0x2d and 0xff itself.
  EXPECT_TRUE(GlobMatch("[\xff--]", "!"));
  EXPECT_TRUE(GlobMatch("[\xff--]", "\xff"));
  EXPECT_FALSE(GlobMatch("[\xff--]", "a"));
}

TEST(GlobMatch, HostileInputsStayLinear) {
  // The pattern that once made recursive matchers exponential.
  const std::string pattern = std::string(50, '*') + std::string(50, 'a') + "b";
  EXPECT_FALSE(GlobMatch(pattern, std::string(10000, 'a')));
  const std::string stars = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b";
  EXPECT_FALSE(GlobMatch(stars, std::string(5000, 'a')));
  EXPECT_TRUE(GlobMatch(stars, std::string(5000, 'a') + "b"));
}

TEST(GlobProblem, RefusesEmptyAndUnclosed) {
  EXPECT_EQ(GlobProblem("session:*"), std::nullopt);
  EXPECT_EQ(GlobProblem("lock:[a-z]*"), std::nullopt);
  EXPECT_EQ(GlobProblem("a\\[b"), std::nullopt);
  EXPECT_EQ(GlobProblem("[\\]]"), std::nullopt);
  EXPECT_NE(GlobProblem(""), std::nullopt);
  EXPECT_NE(GlobProblem("lock:[a-z"), std::nullopt);
  EXPECT_NE(GlobProblem("[\\]"), std::nullopt);
}

}  // namespace glob_test
}  // namespace memwatch::keyspace
