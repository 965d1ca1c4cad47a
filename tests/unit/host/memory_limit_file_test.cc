// ParseMemoryLimit: numbers, v1's huge default and v2's "max" as no limit,
// garbage as an error. (FindSmallestLimit's walk is covered through
// FindContainerLimit in container_limit_test.cc.)
#include "host/memory_limit_file.h"

#include <gtest/gtest.h>

#include <string>

namespace memwatch::host {
namespace memory_limit_file_test {

std::optional<int64_t> Limit(std::string_view text, int version) {
  const Result<std::optional<int64_t>> r = ParseMemoryLimit(text, version);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::nullopt;
}

std::string Error(std::string_view text, int version) {
  const Result<std::optional<int64_t>> r = ParseMemoryLimit(text, version);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(ParseMemoryLimitTest, Numbers) {
  EXPECT_EQ(Limit("536870912\n", 1), 536870912);
  EXPECT_EQ(Limit("  1048576 \r\n", 2), 1048576);
  EXPECT_EQ(Limit("0\n", 2), 0);
  EXPECT_EQ(Limit("4611686018427387903\n", 1), 4611686018427387903);  // 2^62 - 1
}

TEST(ParseMemoryLimitTest, NoLimit) {
  EXPECT_EQ(Limit("max\n", 2), std::nullopt);
  EXPECT_EQ(Limit("9223372036854771712\n", 1), std::nullopt);  // PAGE_COUNTER_MAX, 4 KiB pages
  EXPECT_EQ(Limit("4611686018427387904\n", 1), std::nullopt);  // 2^62
  EXPECT_EQ(Limit("18446744073709551615\n", 1), std::nullopt);
  EXPECT_EQ(Limit("9223372036854771712\n", 2), std::nullopt);
}

TEST(ParseMemoryLimitTest, GarbageIsAnError) {
  EXPECT_EQ(Error("max\n", 1), "'max' is not a number of bytes");
  EXPECT_EQ(Error("", 2), "'' is not a number of bytes or \"max\"");
  EXPECT_EQ(Error("-1\n", 1), "'-1' is not a number of bytes");
  EXPECT_EQ(Error("12k\n", 2), "'12k' is not a number of bytes or \"max\"");
  EXPECT_EQ(Error("99999999999999999999999\n", 1),
            "'99999999999999999999999' is not a number of bytes");
  EXPECT_EQ(Error(std::string(100, 'x'), 1),
            std::string("'") + std::string(40, 'x') + "' is not a number of bytes");
}

TEST(MemoryLimitFileNameTest, PerVersion) {
  EXPECT_EQ(MemoryLimitFileName(1), "memory.limit_in_bytes");
  EXPECT_EQ(MemoryLimitFileName(2), "memory.max");
}

}  // namespace memory_limit_file_test
}  // namespace memwatch::host
