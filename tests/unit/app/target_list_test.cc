// The targets a daemon runs: the config's, then the files', names unique
// (the first wins), then this daemon's shard. Sharding splits any fleet with
// no overlap and no gap, whatever the count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/target_list.h"
#include "config/config_loader.h"
#include "discovery/shard.h"

namespace memwatch::app {
namespace target_list_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

config::Config Base(const std::string& extra = "") {
  config::LoadResult r = config::LoadConfigText(
      "targets:\n  - name: a\n    address: 127.0.0.1:6379\ntargets_files: [t.yml]\n" + extra,
      "memwatch.yml", [](std::string_view) { return std::optional<std::string>(); });
  EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].ToString());
  return r.ok() ? *r.config : config::Config{};
}

std::map<std::string, std::vector<config::FileTarget>> Files(
    const std::map<std::string, std::string>& texts) {
  std::map<std::string, std::vector<config::FileTarget>> out;
  for (const auto& [file, text] : texts) {
    config::TargetsFileContent c = config::ParseTargetsFile(text, file);
    EXPECT_TRUE(c.ok());
    out[file] = c.targets;
  }
  return out;
}

std::vector<std::string> Names(const config::Config& c) {
  std::vector<std::string> out;
  for (const config::TargetConfig& t : c.targets) out.push_back(t.name);
  return out;
}

TEST(TargetListTest, ConfigTargetsThenFilesInPathOrder) {
  const TargetList list = BuildTargetList(
      Base(), Files({{"b.yml", "- targets: [10.0.0.2:6379]\n"},
                     {"a.yml", "- targets: [10.0.0.1:6379]\n  labels: {name: one}\n"}}));
  EXPECT_THAT(Names(list.config), ElementsAre("a", "one", "10.0.0.2:6379"));
  EXPECT_TRUE(list.skipped.empty());
  EXPECT_EQ(list.config.targets[1].targets_file, "a.yml");
  EXPECT_EQ(list.config.targets[0].targets_file, "");
}

TEST(TargetListTest, ANameTakenEarlierSkipsTheLaterEntryWithWhere) {
  const TargetList list =
      BuildTargetList(Base(), Files({{"a.yml",
                                      "- targets: [10.0.0.1:6379]\n  labels: {name: a}\n"
                                      "- targets: [10.0.0.2:6379]\n"},
                                     {"b.yml", "\n- targets: [10.0.0.2:6379]\n"}}));
  EXPECT_THAT(Names(list.config), ElementsAre("a", "10.0.0.2:6379"));
  ASSERT_THAT(list.skipped, SizeIs(2));
  EXPECT_THAT(list.skipped[0],
              HasSubstr("a.yml:1:13: target 'a' skipped: the name is already taken at "
                        "memwatch.yml:2"));
  EXPECT_THAT(list.skipped[1], HasSubstr("b.yml:2:13: target '10.0.0.2:6379' skipped: the name "
                                         "is already taken at a.yml:3:13"));
}

// 100 names over two shards: each in exactly one; over three: re-split.
TEST(TargetListTest, ShardsCoverEveryTargetExactlyOnce) {
  std::string file;
  for (int i = 0; i < 100; ++i) {
    file += "- targets: [127.0.0.1:6379]\n  labels: {name: redis-" + std::to_string(i) + "}\n";
  }
  const auto files = Files({{"t.yml", file}});
  for (uint64_t count : {1, 2, 3}) {
    std::map<std::string, int> seen;
    for (uint64_t index = 0; index < count; ++index) {
      const std::string shard =
          "shard: {index: " + std::to_string(index) + ", count: " + std::to_string(count) + "}\n";
      const TargetList list = BuildTargetList(Base(shard), files);
      for (const std::string& n : Names(list.config)) {
        ++seen[n];
        EXPECT_EQ(discovery::ShardOf(n, count), index) << n;
      }
      if (count > 1) {
        EXPECT_GT(list.config.targets.size(), 101 / count / 2) << "a lopsided split";
      }
    }
    EXPECT_THAT(seen, SizeIs(101)) << "count " << count;
    for (const auto& [name, times] : seen) EXPECT_EQ(times, 1) << name << ", count " << count;
  }
  EXPECT_EQ(ShardLabel(config::ShardConfig{1, 3}), "1/3");
  EXPECT_EQ(ShardLabel(std::nullopt), "");
}

}  // namespace target_list_test
}  // namespace memwatch::app
