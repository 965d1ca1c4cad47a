// ParseMemoryCgroup: v1 memory line first, else v2's "0::", else nothing.
#include "host/proc_cgroup.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::host {
namespace proc_cgroup_test {

using std::string_literals::operator""s;

TEST(ParseMemoryCgroupTest, V1MemoryLineWinsOnAHybridHost) {
  const auto cgroup = ParseMemoryCgroup(
      "12:pids:/docker/ab\n11:cpu,cpuacct:/docker/ab\n4:memory:/docker/ab\n"
      "1:name=systemd:/docker/ab\n0::/system.slice/docker-ab.scope\n");
  ASSERT_TRUE(cgroup.has_value());
  EXPECT_EQ(cgroup->version, 1);
  EXPECT_EQ(cgroup->path, "/docker/ab");
}

TEST(ParseMemoryCgroupTest, MemoryAmongSeveralControllers) {
  const auto cgroup = ParseMemoryCgroup("0::/u\n7:blkio,memory:/a:b\n");
  ASSERT_TRUE(cgroup.has_value());
  EXPECT_EQ(cgroup->version, 1);
  EXPECT_EQ(cgroup->path, "/a:b");  // a ':' in the path is part of it
}

TEST(ParseMemoryCgroupTest, V2WithoutV1Memory) {
  const auto cgroup = ParseMemoryCgroup("0::/system.slice/redis.service\n");
  ASSERT_TRUE(cgroup.has_value());
  EXPECT_EQ(cgroup->version, 2);
  EXPECT_EQ(cgroup->path, "/system.slice/redis.service");
}

TEST(ParseMemoryCgroupTest, NoMemoryLine) {
  EXPECT_EQ(ParseMemoryCgroup(""), std::nullopt);
  EXPECT_EQ(ParseMemoryCgroup("11:cpu,cpuacct:/a\n1:name=systemd:/a\n"), std::nullopt);
  EXPECT_EQ(ParseMemoryCgroup("3:memory_x:/a\n"), std::nullopt);  // not "memory"
  EXPECT_EQ(ParseMemoryCgroup("1:name=memory:/a\n"), std::nullopt);
}

TEST(ParseMemoryCgroupTest, GarbageIsNoLine) {
  EXPECT_EQ(ParseMemoryCgroup("memory\n12:memory\n::\n"), std::nullopt);
  EXPECT_EQ(ParseMemoryCgroup("12:memory:relative\n0::\n"), std::nullopt);
  EXPECT_EQ(ParseMemoryCgroup("\0\xff:memory\n"s), std::nullopt);
}

}  // namespace proc_cgroup_test
}  // namespace memwatch::host
