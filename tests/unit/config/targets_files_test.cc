// `targets_files:` and `shard:` in the config, and the file_sd reader:
// Prometheus's format in YAML and JSON, every problem with file:line, and
// targets built with what target_defaults gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config/targets_file.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace targets_files_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::Load;
using testutil::OnlyError;
using testutil::TempDir;

std::vector<std::string> Names(const TargetsFileContent& c) {
  std::vector<std::string> out;
  for (const FileTarget& t : c.targets) out.push_back(t.name);
  return out;
}

std::string Errors(const TargetsFileContent& c) {
  std::string out;
  for (const ConfigError& e : c.errors) out += e.ToString() + "\n";
  return out;
}

// ---- The file_sd reader -----------------------------------------------------

TEST(TargetsFileTest, ReadsYamlGroupsNamingTargetsByLabelOrAddress) {
  const TargetsFileContent c = ParseTargetsFile(
      "- targets: ['10.0.0.1:6379', '10.0.0.2:6379']\n"
      "  labels: {team: checkout, env: prod}\n"
      "- targets: [10.0.0.3:6380]\n"
      "  labels:\n"
      "    name: sessions\n",
      "t.yml");
  ASSERT_TRUE(c.ok()) << Errors(c);
  EXPECT_THAT(Names(c), ElementsAre("10.0.0.1:6379", "10.0.0.2:6379", "sessions"));
  EXPECT_EQ(c.targets[0].labels.at("team"), "checkout");
  EXPECT_EQ(c.targets[0].file, "t.yml");
  EXPECT_EQ(c.targets[0].line, 1);
  EXPECT_EQ(c.targets[2].line, 3);
  EXPECT_EQ(c.targets[2].address.endpoint.port, 6380);
  EXPECT_EQ(c.targets[2].labels.at("name"), "sessions");
}

TEST(TargetsFileTest, ReadsJsonAsPrometheusWritesIt) {
  const TargetsFileContent c = ParseTargetsFile(
      "[\n"
      "  {\n"
      "    \"targets\": [\"redis-a:6379\"],\n"
      "    \"labels\": {\"name\": \"a\", \"__meta_x\": \"y\"}\n"
      "  },\n"
      "  {\"targets\": [\"redis-b:6379\", \"unix:/run/redis.sock\"]}\n"
      "]\n",
      "t.json");
  ASSERT_TRUE(c.ok()) << Errors(c);
  EXPECT_THAT(Names(c), ElementsAre("a", "redis-b:6379", "unix:/run/redis.sock"));
  EXPECT_EQ(c.targets[1].line, 6);
}

TEST(TargetsFileTest, AnEmptyFileOrListHoldsNoTargets) {
  EXPECT_TRUE(ParseTargetsFile("", "t.yml").ok());
  EXPECT_TRUE(ParseTargetsFile("# nothing yet\n", "t.yml").ok());
  const TargetsFileContent c = ParseTargetsFile("[]", "t.json");
  EXPECT_TRUE(c.ok());
  EXPECT_TRUE(c.targets.empty());
}

TEST(TargetsFileTest, ReportsEveryProblemWithFileAndLineAndKeepsNoTarget) {
  const TargetsFileContent c = ParseTargetsFile(
      "- targets: [10.0.0.1:6379]\n"
      "- targets: [nowhere]\n"
      "  labels: {9bad: x}\n"
      "- labels: {env: prod}\n"
      "- targets: [a:1, b:2]\n"
      "  labels: {name: two}\n"
      "- targets: [c:1]\n"
      "  label: {}\n",
      "t.yml");
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(c.targets.empty());
  const std::string errors = Errors(c);
  EXPECT_THAT(errors, HasSubstr("t.yml:2:13: [1].targets[0]:"));
  EXPECT_THAT(errors, HasSubstr("t.yml:3:12: [1].labels.9bad: expected a label name"));
  EXPECT_THAT(errors, HasSubstr("t.yml:4:3: [2].targets: missing"));
  EXPECT_THAT(errors, HasSubstr("t.yml:6:18: [3].labels.name: a name label names one target"));
  EXPECT_THAT(errors, HasSubstr("t.yml:8:3: [4].label: unknown key"));
  EXPECT_EQ(c.errors.size(), 5u) << errors;
}

TEST(TargetsFileTest, SyntaxErrorsAndOtherShapesAreReported) {
  EXPECT_THAT(Errors(ParseTargetsFile("[{\"targets\": [\"a:1\"]", "t.json")), HasSubstr("t.json:"));
  EXPECT_THAT(Errors(ParseTargetsFile("targets: [a:1]\n", "t.yml")),
              HasSubstr("t.yml:1:1: expected a list of target groups"));
}

TEST(TargetsFileTest, AnUnreadableFileIsOneErrorWithoutALine) {
  const TargetsFileContent c = ReadTargetsFile("/nonexistent/targets.yml");
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_THAT(c.errors[0].ToString(), HasSubstr("/nonexistent/targets.yml: cannot read"));
}

TEST(TargetsFileTest, GlobsExpandSortedAndOnce) {
  TempDir dir;
  dir.Write("b.yml", "[]");
  dir.Write("a.yml", "[]");
  dir.Write("c.json", "[]");
  EXPECT_THAT(ExpandTargetsFiles({dir.path() + "/*.yml", dir.path() + "/a.*"}),
              ElementsAre(dir.path() + "/a.yml", dir.path() + "/b.yml"));
  EXPECT_TRUE(ExpandTargetsFiles({dir.path() + "/none/*.yml"}).empty());
}

// ---- targets_files: and shard: in the config --------------------------------

TEST(TargetsFilesConfigTest, TargetsFilesReplaceTheNeedForTargets) {
  const LoadResult r = Load("targets_files: [/etc/redis-memwatch/targets.d/*.yml, fleet.json]\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_TRUE(r.config->targets.empty());
  EXPECT_THAT(r.config->targets_files,
              ElementsAre("/etc/redis-memwatch/targets.d/*.yml", "fleet.json"));
  EXPECT_FALSE(r.config->shard.has_value());
  // Without targets_files, targets are still required.
  EXPECT_THAT(OnlyError(Load("interval: 1s\n")), HasSubstr("at least one target is required"));
  EXPECT_THAT(OnlyError(Load("targets: []\n")), HasSubstr("at least one target is required"));
}

TEST(TargetsFilesConfigTest, PatternsMustNameYamlOrJsonFiles) {
  EXPECT_THAT(
      OnlyError(Load(std::string(testutil::kTarget) + "targets_files: [/etc/targets.d/*]\n")),
      HasSubstr("memwatch.yaml:4:17: targets_files[0]: expected a file pattern ending"));
}

TEST(TargetsFilesConfigTest, ShardIsValidatedWithLines) {
  LoadResult r = Load(std::string(testutil::kTarget) + "shard: {index: 1, count: 3}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->shard, (ShardConfig{1, 3}));
  EXPECT_THAT(OnlyError(Load(std::string(testutil::kTarget) + "shard: {index: 2, count: 2}\n")),
              HasSubstr("memwatch.yaml:4:16: shard.index: expected a shard index from 0 to 1"));
  EXPECT_THAT(OnlyError(Load(std::string(testutil::kTarget) + "shard: {index: 0, count: 0}\n")),
              HasSubstr("shard.count: expected a whole number of at least 1, got '0'"));
  EXPECT_THAT(OnlyError(Load(std::string(testutil::kTarget) + "shard: {index: -1, count: 2}\n")),
              HasSubstr("shard.index: expected a whole number"));
  EXPECT_THAT(OnlyError(Load(std::string(testutil::kTarget) + "shard: {count: 2}\n")),
              HasSubstr("shard.index: missing"));
}

// ---- Targets from files, with target_defaults -------------------------------

TEST(TargetsFilesConfigTest, FileTargetsTakeTargetDefaults) {
  TempDir dir;
  const std::string pass = dir.Write("fleet.pass", "s3cret\n");
  const LoadResult r = Load(
      "target_defaults:\n"
      "  username: memwatch\n"
      "  password_file: " +
      pass +
      "\n"
      "  provider: elasticache\n"
      "  memory_limit: 1GiB\n"
      "targets_files: [t.yml]\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const TargetsFileContent c = ParseTargetsFile(
      "- targets: [10.0.0.1:6379, 'redis://other:pw@10.0.0.2:6379', 'unix:/run/r.sock']\n",
      "t.yml");
  ASSERT_TRUE(c.ok()) << Errors(c);
  Result<TargetConfig> a = MakeFileTarget(*r.config, c.targets[0]);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().name, "10.0.0.1:6379");
  EXPECT_EQ(a.value().username, "memwatch");
  EXPECT_EQ(a.value().password->Reveal(), "s3cret");
  EXPECT_EQ(a.value().provider, Provider::kElastiCache);
  EXPECT_EQ(a.value().memory_limit, int64_t{1} << 30);
  EXPECT_EQ(a.value().targets_file, "t.yml");
  Result<TargetConfig> b = MakeFileTarget(*r.config, c.targets[1]);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value().username, "other");
  EXPECT_EQ(b.value().password->Reveal(), "pw");
  EXPECT_TRUE(MakeFileTarget(*r.config, c.targets[2]).ok());
}

TEST(TargetsFilesConfigTest, TlsFromDefaultsCannotReachAUnixSocket) {
  const LoadResult r = Load("target_defaults: {tls: true}\ntargets_files: [t.yml]\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const TargetsFileContent c =
      ParseTargetsFile("- targets: [10.0.0.1:6379, 'unix:/run/r.sock']\n", "t.yml");
  ASSERT_TRUE(c.ok()) << Errors(c);
  Result<TargetConfig> tcp = MakeFileTarget(*r.config, c.targets[0]);
  ASSERT_TRUE(tcp.ok());
  EXPECT_TRUE(tcp.value().tls.has_value());
  Result<TargetConfig> unix = MakeFileTarget(*r.config, c.targets[1]);
  ASSERT_FALSE(unix.ok());
  EXPECT_THAT(unix.status().message(), HasSubstr("a unix socket cannot use TLS"));
}

}  // namespace targets_files_test
}  // namespace memwatch::config
