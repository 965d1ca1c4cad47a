// `target_defaults:`: values every target takes unless it sets its own; the
// cross-key rules see the merged target and point at the line that wrote
// each value.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace target_defaults_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::Load;
using testutil::OnlyError;
using testutil::TempDir;

constexpr int64_t kGiB = int64_t{1024} * 1024 * 1024;

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

// ---- Values -----------------------------------------------------------------

TEST(TargetDefaultsTest, EveryTargetTakesEveryDefault) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password: ${PW}\n"
      "  provider: elasticache\n"
      "  memory_limit: 1GiB\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n",
      FakeEnv({{"PW", "hunter2"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ASSERT_EQ(r.config->targets.size(), 2u);
  for (const TargetConfig& t : r.config->targets) {
    EXPECT_EQ(t.username, "memwatch") << t.name;
    EXPECT_EQ(t.password, Secret("hunter2")) << t.name;
    EXPECT_EQ(t.provider, Provider::kElastiCache) << t.name;
    EXPECT_EQ(t.memory_limit, kGiB) << t.name;
  }
  EXPECT_EQ(r.config->targets[1].line, 9);
}

TEST(TargetDefaultsTest, PasswordFileIsReadForEachTarget) {
  TempDir dir;
  const std::string pass = dir.Write("fleet.pass", "from-file\n");
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password_file: " +
      pass +
      "\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  for (const TargetConfig& t : r.config->targets) {
    EXPECT_EQ(t.username, "memwatch") << t.name;
    EXPECT_EQ(t.password, Secret("from-file")) << t.name;
  }
}

TEST(TargetDefaultsTest, MayComeAfterTheTargets) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "target_defaults:\n"
      "  provider: azure\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].provider, Provider::kAzure);
}

TEST(TargetDefaultsTest, EmptyBlockSetsNothing) {
  const LoadResult r = Load(std::string("target_defaults:\n") + testutil::kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].username, std::nullopt);
  EXPECT_EQ(r.config->targets[0].password, std::nullopt);
  EXPECT_EQ(r.config->targets[0].provider, std::nullopt);
  EXPECT_EQ(r.config->targets[0].memory_limit, std::nullopt);
}

TEST(TargetDefaultsTest, ATargetsOwnValueWinsKeyByKey) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password: default-pw\n"
      "  provider: elasticache\n"
      "  memory_limit: 1GiB\n"
      "targets:\n"
      "  - name: own\n"
      "    address: h:1\n"
      "    username: other\n"
      "    password: own-pw\n"
      "    provider: memorystore\n"
      "    memory_limit: 2GiB\n"
      "  - name: inherits\n"
      "    address: h:2\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const TargetConfig& own = r.config->targets[0];
  EXPECT_EQ(own.username, "other");
  EXPECT_EQ(own.password, Secret("own-pw"));
  EXPECT_EQ(own.provider, Provider::kMemorystore);
  EXPECT_EQ(own.memory_limit, 2 * kGiB);
  const TargetConfig& inherits = r.config->targets[1];
  EXPECT_EQ(inherits.username, "memwatch");
  EXPECT_EQ(inherits.password, Secret("default-pw"));
  EXPECT_EQ(inherits.provider, Provider::kElastiCache);
  EXPECT_EQ(inherits.memory_limit, kGiB);
}

TEST(TargetDefaultsTest, ProviderAutoInATargetOverridesTheDefault) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  provider: azure\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    provider: auto\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].provider, std::nullopt);
}

// ---- Credentials: a target's password or password_file replaces both ---------

TEST(TargetDefaultsCredentialsTest, TargetPasswordReplacesDefaultPasswordFile) {
  // The default's file is never read for this target: it does not exist.
  const LoadResult r = Load(
      "target_defaults:\n"
      "  password_file: /nonexistent/fleet.pass\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password: own-pw\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].password, Secret("own-pw"));
}

TEST(TargetDefaultsCredentialsTest, TargetPasswordFileReplacesDefaultPassword) {
  TempDir dir;
  const std::string pass = dir.Write("a.pass", "from-file\n");
  const LoadResult r = Load(
      "target_defaults:\n"
      "  password: default-pw\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password_file: " +
      pass + "\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].password, Secret("from-file"));
}

TEST(TargetDefaultsCredentialsTest, TargetUsernameKeepsTheDefaultPassword) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password: default-pw\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    username: other\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].username, "other");
  EXPECT_EQ(r.config->targets[0].password, Secret("default-pw"));
}

TEST(TargetDefaultsCredentialsTest, TargetPasswordKeepsTheDefaultUsername) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password_file: /nonexistent/fleet.pass\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password: own-pw\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].username, "memwatch");
  EXPECT_EQ(r.config->targets[0].password, Secret("own-pw"));
}

TEST(TargetDefaultsCredentialsTest, CredentialsInTheAddressReplaceTheDefaults) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password: default-pw\n"
      "targets:\n"
      "  - name: both\n"
      "    address: redis://user:url-pw@h:1\n"
      "  - name: password-only\n"
      "    address: redis://:url-pw@h:2\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].username, "user");
  EXPECT_EQ(r.config->targets[0].password, Secret("url-pw"));
  EXPECT_EQ(r.config->targets[1].username, "memwatch");
  EXPECT_EQ(r.config->targets[1].password, Secret("url-pw"));
}

// ---- Errors point where the value is written ---------------------------------

TEST(TargetDefaultsErrorsTest, ConflictInTheDefaultsIsReportedOnceAtTheDefault) {
  // Two targets take both keys, a third sets its own: still one error.
  const LoadResult r = Load(
      "target_defaults:\n"
      "  password: default-pw\n"
      "  password_file: /etc/fleet.pass\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n"
      "  - name: c\n"
      "    address: h:3\n"
      "    password: own-pw\n");
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:3:18: target_defaults.password_file: password and password_file are "
            "mutually exclusive; keep one");
}

TEST(TargetDefaultsErrorsTest, ConflictInTheDefaultsEvenWhenNoTargetTakesThem) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n"
                           "  password: default-pw\n"
                           "  password_file: /etc/fleet.pass\n"
                           "targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password: own-pw\n")),
            "memwatch.yaml:3:18: target_defaults.password_file: password and password_file are "
            "mutually exclusive; keep one");
}

TEST(TargetDefaultsErrorsTest, ConflictInATargetPointsAtTheTarget) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n"
                           "  password: default-pw\n"
                           "targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    password: own-pw\n"
                           "    password_file: /etc/a.pass\n")),
            "memwatch.yaml:7:20: targets[0].password_file: password and password_file are "
            "mutually exclusive; keep one");
}

TEST(TargetDefaultsErrorsTest, DefaultUsernameWithoutAPasswordNamesEachTarget) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password: own-pw\n"
      "  - name: b\n"
      "    address: h:2\n");
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:2:13: target_defaults.username: targets[1] (line 7) takes this user "
            "name but no password: set password or password_file here or in that target");
}

TEST(TargetDefaultsErrorsTest, TargetUsernameWithoutAPasswordPointsAtTheTarget) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n"
                           "  provider: azure\n"
                           "targets:\n"
                           "  - name: a\n"
                           "    address: h:1\n"
                           "    username: monitor\n")),
            "memwatch.yaml:6:15: targets[0].username: a user name needs a password: set "
            "password or password_file");
}

TEST(TargetDefaultsErrorsTest, UnreadableDefaultPasswordFileIsReportedOnce) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  password_file: /nonexistent/fleet.pass\n"
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "  - name: b\n"
      "    address: h:2\n");
  ASSERT_EQ(r.errors.size(), 1u) << AllErrors(r);
  EXPECT_THAT(r.errors[0].ToString(),
              HasSubstr("memwatch.yaml:2:18: target_defaults.password_file: cannot read "
                        "'/nonexistent/fleet.pass'"));
}

TEST(TargetDefaultsErrorsTest, BadValuesPointAtTheDefault) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  provider: elasticach\n"
      "  memory_limit: 0\n"
      "  username: ''\n" +
      std::string(testutil::kTarget));
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:2:13: target_defaults.provider: expected one of auto, "
                  "self-managed, elasticache, azure, memorystore, got 'elasticach'; did you mean "
                  "'elasticache'?",
                  "memwatch.yaml:3:17: target_defaults.memory_limit: expected a size greater than "
                  "0, got '0'",
                  "memwatch.yaml:4:13: target_defaults.username: expected a user name, got an "
                  "empty value"));
}

TEST(TargetDefaultsErrorsTest, SecretsFromTheDefaultsNeverAppearInErrors) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password: default-secret-${PW}\n"
      "  password_file: /etc/fleet.pass\n" +
          std::string(testutil::kTarget),
      FakeEnv({{"PW", "fromenv"}}));
  ASSERT_FALSE(r.errors.empty());
  for (const ConfigError& e : r.errors) {
    EXPECT_THAT(e.ToString(), Not(HasSubstr("default-secret")));
    EXPECT_THAT(e.ToString(), Not(HasSubstr("fromenv")));
  }
}

// ---- Keys -------------------------------------------------------------------

TEST(TargetDefaultsKeysTest, UnknownKeySuggestsTheNearest) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n  pasword: x\n" + std::string(testutil::kTarget))),
            "memwatch.yaml:2:3: target_defaults.pasword: unknown key 'pasword'; did you mean "
            "'password'?");
}

TEST(TargetDefaultsKeysTest, UnknownKeyWithoutNearKeyListsTheKeys) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n  db: 2\n" + std::string(testutil::kTarget))),
            "memwatch.yaml:2:3: target_defaults.db: unknown key 'db'; expected one of: "
            "username, password, password_file, provider, memory_limit, tls, name, address, "
            "checks, keyspace, sentinel, cluster");
}

TEST(TargetDefaultsKeysTest, NameAndAddressCannotBeDefaulted) {
  const LoadResult r =
      Load("target_defaults:\n  name: cache\n  address: h:1\n" + std::string(testutil::kTarget));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:2:9: target_defaults.name: a target's name cannot have a "
                          "default; give each target its own",
                          "memwatch.yaml:3:12: target_defaults.address: a target's address cannot "
                          "have a default; give each target its own"));
}

TEST(TargetDefaultsKeysTest, ChecksBelongInTheTopLevelBlock) {
  EXPECT_EQ(OnlyError(Load("target_defaults:\n  checks: {memory_high: {warning: 80%}}\n" +
                           std::string(testutil::kTarget))),
            "memwatch.yaml:2:11: target_defaults.checks: checks cannot be set in target_defaults; "
            "use the top-level checks: block, which applies to every target");
}

TEST(TargetDefaultsKeysTest, BlockMustBeAMapping) {
  EXPECT_EQ(OnlyError(Load("target_defaults: [a]\n" + std::string(testutil::kTarget))),
            "memwatch.yaml:1:18: target_defaults: expected a mapping (key: value), found a list");
}

TEST(TargetDefaultsKeysTest, KnownKeysListOnlyWhatCanBeDefaulted) {
  const std::vector<std::string> keys = KnownConfigKeys();
  auto has = [&](std::string_view k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
  };
  for (std::string_view k :
       {"target_defaults", "target_defaults.username", "target_defaults.password",
        "target_defaults.password_file", "target_defaults.provider", "target_defaults.memory_limit",
        "targets[].provider"}) {
    EXPECT_TRUE(has(k)) << k;
  }
  for (std::string_view k :
       {"target_defaults.name", "target_defaults.address", "target_defaults.checks"}) {
    EXPECT_FALSE(has(k)) << k;
  }
}

}  // namespace target_defaults_test
}  // namespace memwatch::config
