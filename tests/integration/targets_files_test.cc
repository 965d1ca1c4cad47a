// targets_files: Prometheus file_sd files watched by the daemon (a file
// added, changed, corrupted, replaced by rename, removed: each applied
// within a second, like a reload), and shard: daemons with the same config
// and count split a fleet with no overlap and no gap.
#include <signal.h>
#include <stdio.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "discovery/shard.h"
#include "harness/daemon_process.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace targets_files_test {

using ::testing::HasSubstr;
using ::testing::Not;
using Ms = std::chrono::milliseconds;

// Generous for a loaded CI machine; the latencies measured are printed.
constexpr Ms kApplied{5000};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// As config management does: a temporary file renamed over the old one.
void ReplaceFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  WriteFile(tmp, text);
  ASSERT_EQ(rename(tmp.c_str(), path.c_str()), 0);
}

std::string Group(const std::string& name, int port) {
  return "- targets: ['127.0.0.1:" + std::to_string(port) + "']\n  labels: {name: " + name + "}\n";
}

std::string Config(const std::string& pattern, const std::string& extra = "") {
  return "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntimeout: 500ms\ntargets_files: ['" + pattern +
         "']\n" + extra;
}

// How long `condition` took to hold, printed; fails the test past kApplied.
Ms Measure(const std::string& what, const std::function<bool()>& condition) {
  const auto start = std::chrono::steady_clock::now();
  const bool held = WaitFor(condition, kApplied);
  const auto took = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
  EXPECT_TRUE(held) << what << " not seen within " << kApplied.count() << " ms";
  std::printf("[ measured ] %s: %lld ms\n", what.c_str(), static_cast<long long>(took.count()));
  return took;
}

TEST(TargetsFilesTest, AddChangeCorruptRenameAndRemoveApplyWithinASecond) {
  RedisServer a;
  RedisServer b({"--maxmemory", "123456789"});
  TempDir dir("targets");
  const std::string file = dir.File("one.yml");
  DaemonProcess d(Config(dir.path() + "/*.yml"));
  ASSERT_GT(d.WaitForPort(), 0) << d.Log();
  const std::string up = "redis_up{target=\"one\"}";
  const std::string max = "redis_memory_max_bytes{target=\"one\"}";
  const std::string ok = "redis_memwatch_targets_file_last_read_successful{file=\"" + file + "\"}";

  // Added: polled at once, placed as a target from a file.
  WriteFile(file, Group("one", a.Port()));
  Measure("file added -> target polled", [&] { return d.Value(up) == 1.0; });
  EXPECT_THAT(d.Metrics(), HasSubstr("redis_memwatch_target_info{target=\"one\",group=\"\",role="
                                     "\"primary\",shard=\"\",discovered_by=\"file\"} 1"));
  EXPECT_EQ(d.Value(ok), 1.0);

  // Changed: the same name at another address is reconnected there.
  WriteFile(file, Group("one", b.Port()));
  Measure("file changed -> new address polled", [&] { return d.Value(max) == 123456789.0; });

  // Corrupt: the last good content stays, the log says where, the gauge is 0.
  const double polls_before =
      d.Value("redis_memwatch_probe_duration_seconds_count{target=\"one\"}").value_or(0);
  WriteFile(file, Group("one", a.Port()) + "- targets: ['nowhere']\n");
  Measure("file corrupted -> last_read_successful 0", [&] { return d.Value(ok) == 0.0; });
  EXPECT_THAT(d.Log(), HasSubstr(file + ":3:13: [1].targets[0]: the port is missing"));
  EXPECT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"one\"}").value_or(0) >=
           polls_before + 3;
  })) << "the last good target stopped being polled";
  EXPECT_EQ(d.Value(max), 123456789.0);

  // Replaced by rename: applied, and the file counts as read well again.
  ReplaceFile(file, Group("one", a.Port()) + Group("two", b.Port()));
  Measure("file renamed over -> applied",
          [&] { return d.Value(max) == 0.0 && d.Value("redis_up{target=\"two\"}") == 1.0; });
  EXPECT_EQ(d.Value(ok), 1.0);

  // Removed: its targets and their series are gone.
  ASSERT_EQ(remove(file.c_str()), 0);
  Measure("file removed -> series gone", [&] {
    const std::string m = d.Metrics();
    return m.find("target=\"one\"") == std::string::npos &&
           m.find("target=\"two\"") == std::string::npos;
  });
  EXPECT_THAT(d.Metrics(), Not(HasSubstr(file)));
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

// The names of the targets a daemon exports target_info for.
std::set<std::string> Watched(DaemonProcess& d) {
  static const std::regex kInfo(R"re(redis_memwatch_target_info\{target="([^"]+)")re");
  std::set<std::string> names;
  const std::string m = d.Metrics();
  for (auto it = std::sregex_iterator(m.begin(), m.end(), kInfo); it != std::sregex_iterator();
       ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

std::string ShardConfig(const std::string& pattern, int index, int count) {
  return "listen: \"127.0.0.1:0\"\ninterval: 1s\ntimeout: 500ms\ntargets_files: ['" + pattern +
         "']\nshard: {index: " + std::to_string(index) + ", count: " + std::to_string(count) +
         "}\n";
}

// Each daemon's share is exactly its hash class; together they hold all.
void ExpectSplit(std::vector<DaemonProcess*> daemons, const std::set<std::string>& all) {
  const uint64_t count = daemons.size();
  std::multiset<std::string> seen;
  for (uint64_t i = 0; i < count; ++i) {
    std::set<std::string> expected;
    for (const std::string& n : all) {
      if (discovery::ShardOf(n, count) == i) expected.insert(n);
    }
    ASSERT_TRUE(WaitFor([&] { return Watched(*daemons[i]) == expected; }, kApplied))
        << "shard " << i << "/" << count << ": " << Watched(*daemons[i]).size() << " of "
        << expected.size() << "\n"
        << daemons[i]->Log();
    const std::set<std::string> got = Watched(*daemons[i]);
    seen.insert(got.begin(), got.end());
  }
  EXPECT_EQ(seen.size(), all.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all);
}

TEST(ShardingTest, TwoDaemonsCoverAHundredTargetsOnceAndACountOfThreeReSplits) {
  RedisServer redis;
  TempDir dir("fleet");
  std::string fleet;
  std::set<std::string> all;
  for (int i = 0; i < 100; ++i) {
    const std::string name = "redis-" + std::to_string(i);
    fleet += Group(name, redis.Port());
    all.insert(name);
  }
  WriteFile(dir.File("fleet.yml"), fleet);
  const std::string pattern = dir.path() + "/*.yml";
  DaemonProcess d0(ShardConfig(pattern, 0, 2));
  DaemonProcess d1(ShardConfig(pattern, 1, 2));
  ASSERT_GT(d0.WaitForPort(), 0) << d0.Log();
  ASSERT_GT(d1.WaitForPort(), 0) << d1.Log();
  ExpectSplit({&d0, &d1}, all);
  EXPECT_THAT(d1.Metrics(), HasSubstr("shard=\"1/2\",discovered_by=\"file\"} 1"));

  // count: 3 on reload (and a third daemon): the fleet is split again.
  std::ofstream(d0.ConfigPath(), std::ios::trunc) << ShardConfig(pattern, 0, 3);
  std::ofstream(d1.ConfigPath(), std::ios::trunc) << ShardConfig(pattern, 1, 3);
  d0.Signal(SIGHUP);
  d1.Signal(SIGHUP);
  DaemonProcess d2(ShardConfig(pattern, 2, 3));
  ASSERT_GT(d2.WaitForPort(), 0) << d2.Log();
  ExpectSplit({&d0, &d1, &d2}, all);
  EXPECT_THAT(d0.Metrics(), HasSubstr("shard=\"0/3\""));
  EXPECT_THAT(d0.Metrics(), Not(HasSubstr("shard=\"0/2\"")));
}

}  // namespace targets_files_test
}  // namespace memwatch::testing
