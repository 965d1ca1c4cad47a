// `keyspace:`, globally and per target: defaults, key-by-key overrides, and
// every validation error as FILE:LINE:COLUMN: KEY: message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config/keyspace_settings.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace keyspace_config_test {

using ::testing::ElementsAre;
using testutil::AllErrors;
using testutil::kTarget;
using testutil::Load;
using testutil::OnlyError;

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

TEST(KeyspaceConfigTest, DefaultsSamplePrimariesAtOnePercent) {
  const LoadResult r = Load(kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const KeyspaceSettings& k = r.config->targets[0].keyspace;
  EXPECT_EQ(k.enabled, std::nullopt);
  EXPECT_DOUBLE_EQ(k.budget, 0.01);
  EXPECT_EQ(k.max_keys_per_second, 2000u);
  EXPECT_EQ(k.delimiters, ":");
  EXPECT_EQ(k.depth, 3);
  EXPECT_EQ(k.top, 20);
  EXPECT_EQ(k.interval, std::chrono::minutes(5));
  EXPECT_EQ(k, KeyspaceSettings{});
}

TEST(KeyspaceConfigTest, GlobalBlockSetsEveryKey) {
  const LoadResult r = Load(std::string("keyspace:\n"
                                        "  budget: 2%\n"
                                        "  max_keys_per_second: 500\n"
                                        "  delimiters: \":/\"\n"
                                        "  depth: 2\n"
                                        "  top: 5\n"
                                        "  interval: 1s\n") +
                            kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const KeyspaceSettings& k = r.config->targets[0].keyspace;
  EXPECT_EQ(k.enabled, std::nullopt);
  EXPECT_DOUBLE_EQ(k.budget, 0.02);
  EXPECT_EQ(k.max_keys_per_second, 500u);
  EXPECT_EQ(k.delimiters, ":/");
  EXPECT_EQ(k.depth, 2);
  EXPECT_EQ(k.top, 5);
  EXPECT_EQ(k.interval, std::chrono::seconds(1));
  EXPECT_EQ(r.config->keyspace.top, 5);
}

TEST(KeyspaceConfigTest, TargetBlockOverridesKeyByKey) {
  const LoadResult r = Load(
      "keyspace:\n"
      "  budget: 2%\n"
      "  top: 5\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    keyspace: {top: 7, enabled: true}\n"
      "  - name: b\n"
      "    address: h:2\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const KeyspaceSettings& a = r.config->targets[0].keyspace;
  const KeyspaceSettings& b = r.config->targets[1].keyspace;
  EXPECT_EQ(a.enabled, true);
  EXPECT_EQ(a.top, 7);
  EXPECT_DOUBLE_EQ(a.budget, 0.02);  // from the global block
  EXPECT_EQ(b.enabled, std::nullopt);
  EXPECT_EQ(b.top, 5);
}

TEST(KeyspaceConfigTest, GlobalFalseTurnsEveryTargetOffUnlessItsOwnSaysTrue) {
  const LoadResult r = Load(
      "keyspace: {enabled: false}\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n"
      "    keyspace: {enabled: true}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].keyspace.enabled, false);
  EXPECT_EQ(r.config->targets[1].keyspace.enabled, true);
}

TEST(KeyspaceConfigTest, GlobalTrueKeepsPrimariesOnly) {
  KeyspaceBlock global;
  global.enabled = true;
  EXPECT_EQ(ResolveKeyspace(global, {}).enabled, std::nullopt);
}

TEST(KeyspaceConfigTest, EmptyBlockSetsNothing) {
  const LoadResult r = Load(std::string("keyspace:\n") + kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].keyspace, KeyspaceSettings{});
}

TEST(KeyspaceConfigTest, BudgetAtTenPercentIsAccepted) {
  const LoadResult r = Load(std::string("keyspace: {budget: 0.1}\n") + kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_DOUBLE_EQ(r.config->targets[0].keyspace.budget, 0.1);
}

TEST(KeyspaceConfigTest, EveryWrongValueIsReportedAtOnce) {
  const LoadResult r = Load(std::string("keyspace:\n"
                                        "  enabled: maybe\n"
                                        "  budget: 20%\n"
                                        "  max_keys_per_second: 0\n"
                                        "  delimiters: \"::\"\n"
                                        "  depth: 11\n"
                                        "  top: 2.5\n"
                                        "  interval: 0s\n"
                                        "  dept: 2\n") +
                            kTarget);
  EXPECT_THAT(
      Strings(r),
      ElementsAre(
          "memwatch.yaml:2:12: keyspace.enabled: expected true or false, got 'maybe'",
          "memwatch.yaml:3:11: keyspace.budget: expected at most 10% of Redis's time for "
          "sampling, got 20%",
          "memwatch.yaml:4:24: keyspace.max_keys_per_second: expected a whole number from 1 to "
          "1000000, got '0'",
          "memwatch.yaml:5:15: keyspace.delimiters: expected 1 to 8 distinct printable "
          "characters such as \":\" or \":/|\", each of which separates key segments, got '::'",
          "memwatch.yaml:6:10: keyspace.depth: expected a whole number from 1 to 10, got '11'",
          "memwatch.yaml:7:8: keyspace.top: expected a whole number from 1 to 200, got '2.5'",
          "memwatch.yaml:8:13: keyspace.interval: expected a duration greater than 0, got '0s'",
          "memwatch.yaml:9:3: keyspace.dept: unknown key 'dept'; did you mean 'depth'?"))
      << AllErrors(r);
}

TEST(KeyspaceConfigTest, TargetBlockErrorsNameTheTarget) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    keyspace: {budget: 0%}\n");
  EXPECT_THAT(OnlyError(r),
              ::testing::StartsWith("memwatch.yaml:4:24: targets[0].keyspace.budget: "));
}

TEST(KeyspaceConfigTest, DelimitersMustBePrintable) {
  const LoadResult r = Load(std::string("keyspace: {delimiters: \" \"}\n") + kTarget);
  EXPECT_THAT(OnlyError(r), ::testing::HasSubstr("got ' '"));
}

TEST(KeyspaceConfigTest, BlockMustBeAMapping) {
  const LoadResult r = Load(std::string("keyspace: on\n") + kTarget);
  EXPECT_THAT(OnlyError(r), ::testing::StartsWith("memwatch.yaml:1:11: keyspace: "));
}

TEST(KeyspaceConfigTest, NotInTargetDefaults) {
  const LoadResult r = Load(std::string("target_defaults:\n  keyspace: {top: 3}\n") + kTarget);
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:2:13: target_defaults.keyspace: keyspace cannot be set in "
            "target_defaults; use the top-level keyspace: block, which applies to every target");
}

TEST(KeyspaceConfigTest, ProtectedPatternsGlobalAndPerTarget) {
  const LoadResult r = Load(
      "keyspace:\n"
      "  protected: [\"session:*\", \"lock:*\"]\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n"
      "    keyspace: {protected: [\"job:[0-9]*\"]}\n"
      "  - name: c\n"
      "    address: h:3\n"
      "    keyspace: {protected: []}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_THAT(r.config->targets[0].keyspace.protected_patterns, ElementsAre("session:*", "lock:*"));
  EXPECT_THAT(r.config->targets[1].keyspace.protected_patterns, ElementsAre("job:[0-9]*"));
  EXPECT_TRUE(r.config->targets[2].keyspace.protected_patterns.empty());
  EXPECT_TRUE(KeyspaceSettings{}.protected_patterns.empty());
}

TEST(KeyspaceConfigTest, ProtectedPatternErrorsNameFileLineAndKey) {
  const LoadResult r = Load(std::string("keyspace:\n"
                                        "  protected:\n"
                                        "    - \"session:*\"\n"
                                        "    - \"\"\n"
                                        "    - \"lock:[a-z\"\n") +
                            kTarget);
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:4:7: keyspace.protected[1]: expected a Redis key pattern such "
                  "as \"session:*\", got '': an empty pattern matches only the empty key name",
                  "memwatch.yaml:5:7: keyspace.protected[2]: expected a Redis key pattern such "
                  "as \"session:*\", got 'lock:[a-z': a '[' without its ']' (write \\[ for a "
                  "literal bracket)"))
      << AllErrors(r);
  const LoadResult single = Load(std::string("keyspace: {protected: \"session:*\"}\n") + kTarget);
  EXPECT_THAT(OnlyError(single),
              ::testing::StartsWith("memwatch.yaml:1:23: keyspace.protected: expected a list"));
}

}  // namespace keyspace_config_test
}  // namespace memwatch::config
