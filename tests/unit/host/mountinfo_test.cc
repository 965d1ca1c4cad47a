// ParseMountInfo, the kernel's octal escapes, and which mounts show which
// cgroups.
#include "host/mountinfo.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::host {
namespace mountinfo_test {

using std::string_literals::operator""s;

TEST(ParseMountInfoTest, FieldsAroundOptionalOnes) {
  const std::vector<Mount> mounts = ParseMountInfo(
      "38 34 0:33 / /sys/fs/cgroup/memory rw,nosuid shared:14 master:2 - cgroup cgroup "
      "rw,memory\n"
      "35 25 0:30 /docker/ab /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate");
  ASSERT_EQ(mounts.size(), 2U);
  EXPECT_EQ(mounts[0].root, "/");
  EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/memory");
  EXPECT_EQ(mounts[0].fs_type, "cgroup");
  EXPECT_EQ(mounts[0].super_options, "rw,memory");
  EXPECT_EQ(mounts[1].root, "/docker/ab");
  EXPECT_EQ(mounts[1].fs_type, "cgroup2");
}

TEST(ParseMountInfoTest, EscapedPathsAreDecoded) {
  const std::vector<Mount> mounts =
      ParseMountInfo("1 2 0:1 /a\\040b /mnt/x\\011y\\012z\\134 rw - cgroup2 cgroup2 rw\n");
  ASSERT_EQ(mounts.size(), 1U);
  EXPECT_EQ(mounts[0].root, "/a b");
  EXPECT_EQ(mounts[0].mount_point, "/mnt/x\ty\nz\\");
}

TEST(ParseMountInfoTest, MalformedLinesAreSkipped) {
  EXPECT_TRUE(ParseMountInfo("").empty());
  EXPECT_TRUE(ParseMountInfo("1 2 3 4\n").empty());
  EXPECT_TRUE(ParseMountInfo("1 2 0:1 / /x rw shared:1\n").empty());         // no "-"
  EXPECT_TRUE(ParseMountInfo("1 2 0:1 / /x rw - cgroup cgroup\n").empty());  // no options
  EXPECT_TRUE(ParseMountInfo("- - - - - - - cgroup x memory\n").empty());
  EXPECT_TRUE(ParseMountInfo("\0\xff\n\\\\\\\n"s).empty());
  EXPECT_EQ(ParseMountInfo("junk\n1 2 0:1 / /x rw - cgroup2 c rw\n").size(), 1U);
}

TEST(DecodeMountEscapesTest, OnlyThreeOctalDigits) {
  EXPECT_EQ(DecodeMountEscapes("a\\040b"), "a b");
  EXPECT_EQ(DecodeMountEscapes("a\\04"), "a\\04");
  EXPECT_EQ(DecodeMountEscapes("a\\089"), "a\\089");
  EXPECT_EQ(DecodeMountEscapes("\\"), "\\");
  EXPECT_EQ(DecodeMountEscapes("\\134\\040"), "\\ ");
}

TEST(IsMemoryCgroupMountTest, V1NeedsTheMemoryController) {
  EXPECT_TRUE(IsMemoryCgroupMount({"/", "/m", "cgroup", "rw,memory"}, 1));
  EXPECT_FALSE(IsMemoryCgroupMount({"/", "/m", "cgroup", "rw,cpu,cpuacct"}, 1));
  EXPECT_FALSE(IsMemoryCgroupMount({"/", "/m", "cgroup", "rw,memory_x"}, 1));
  EXPECT_FALSE(IsMemoryCgroupMount({"/", "/m", "cgroup2", "rw,memory"}, 1));
  EXPECT_TRUE(IsMemoryCgroupMount({"/", "/m", "cgroup2", "rw"}, 2));
  EXPECT_FALSE(IsMemoryCgroupMount({"/", "/m", "cgroup", "rw,memory"}, 2));
  EXPECT_FALSE(IsMemoryCgroupMount({"/", "/m", "cgroup2", "rw"}, 3));
}

TEST(PathBelowRootTest, WholeComponents) {
  EXPECT_EQ(PathBelowRoot("/docker/ab", "/"), "/docker/ab");
  EXPECT_EQ(PathBelowRoot("/", "/"), "");
  EXPECT_EQ(PathBelowRoot("/docker/ab", "/docker/ab"), "");
  EXPECT_EQ(PathBelowRoot("/docker/ab/c/", "/docker/ab/"), "/c");
  EXPECT_EQ(PathBelowRoot("/docker/abc", "/docker/ab"), std::nullopt);
  EXPECT_EQ(PathBelowRoot("/docker", "/docker/ab"), std::nullopt);
  EXPECT_EQ(PathBelowRoot("/other", "/docker/ab"), std::nullopt);
  EXPECT_EQ(PathBelowRoot("/../../docker/ab", "/"), std::nullopt);
  EXPECT_EQ(PathBelowRoot("/docker/ab/../cd", "/docker/ab"), std::nullopt);
}

}  // namespace mountinfo_test
}  // namespace memwatch::host
