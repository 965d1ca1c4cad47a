#include "config/env_expand.h"

#include <stdlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace memwatch::config {
namespace env_expand_test {

using ::testing::HasSubstr;
using ::testing::Not;
using testutil::FakeEnv;

const EnvLookup kEnv = FakeEnv({{"REDIS_PASSWORD", "s3cret"}, {"EMPTY", ""}, {"A_1", "x"}});

std::string Expanded(std::string_view text) {
  Result<std::string> r = ExpandEnv(text, kEnv);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.status().message());
  return r.ok() ? r.value() : "<error>";
}

std::string ErrorOf(std::string_view text) {
  Result<std::string> r = ExpandEnv(text, kEnv);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

TEST(ExpandEnvTest, ReplacesVariables) {
  EXPECT_EQ(Expanded("${REDIS_PASSWORD}"), "s3cret");
  EXPECT_EQ(Expanded("redis://:${REDIS_PASSWORD}@h:1"), "redis://:s3cret@h:1");
  EXPECT_EQ(Expanded("${A_1}${A_1}"), "xx");
  EXPECT_EQ(Expanded("${EMPTY}"), "");
}

TEST(ExpandEnvTest, LeavesPlainTextAlone) {
  EXPECT_EQ(Expanded(""), "");
  EXPECT_EQ(Expanded("no variables"), "no variables");
  EXPECT_EQ(Expanded("pa$word"), "pa$word");
  EXPECT_EQ(Expanded("$HOME"), "$HOME");
  EXPECT_EQ(Expanded("ends with $"), "ends with $");
}

TEST(ExpandEnvTest, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(Expanded("$$"), "$");
  EXPECT_EQ(Expanded("a$${REDIS_PASSWORD}"), "a${REDIS_PASSWORD}");
  EXPECT_EQ(Expanded("$$$${A_1}"), "$${A_1}");
}

TEST(ExpandEnvTest, ValuesAreNotExpandedAgain) {
  const EnvLookup env = FakeEnv({{"OUTER", "${INNER}"}});
  Result<std::string> r = ExpandEnv("${OUTER}", env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "${INNER}");
}

TEST(ExpandEnvTest, UnsetVariableIsNamed) {
  EXPECT_EQ(ErrorOf("${NOPE}"), "environment variable NOPE is not set (write $$ for a literal $)");
}

TEST(ExpandEnvTest, UnterminatedBrace) {
  EXPECT_EQ(ErrorOf("abc${REDIS_PASSWORD"), "'${' is not closed by '}' (write $$ for a literal $)");
}

TEST(ExpandEnvTest, InvalidNameIsNotQuoted) {
  const std::string message = ErrorOf("x${hunter 2}y");
  EXPECT_THAT(message, HasSubstr("invalid variable name"));
  EXPECT_THAT(message, Not(HasSubstr("hunter")));
  EXPECT_THAT(ErrorOf("${}"), HasSubstr("invalid variable name"));
  EXPECT_THAT(ErrorOf("${1A}"), HasSubstr("invalid variable name"));
}

TEST(ExpandEnvTest, ProcessEnvReadsTheRealEnvironment) {
  ASSERT_EQ(setenv("MEMWATCH_CONFIG_TEST_VAR", "value", 1), 0);
  const EnvLookup env = ProcessEnv();
  EXPECT_EQ(env("MEMWATCH_CONFIG_TEST_VAR"), "value");
  ASSERT_EQ(unsetenv("MEMWATCH_CONFIG_TEST_VAR"), 0);
  EXPECT_EQ(env("MEMWATCH_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace env_expand_test
}  // namespace memwatch::config
