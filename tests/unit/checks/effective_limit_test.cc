#include <gtest/gtest.h>

#include "checks/effective_limit.h"
#include "test_support.h"

namespace memwatch::checks {
namespace effective_limit_test {

using testing::kGiB;
using testing::SnapshotBuilder;

TEST(ComputeEffectiveLimitTest, MaxmemoryWins) {
  const auto limit = ComputeEffectiveLimit(SnapshotBuilder().Maxmemory(3 * kGiB).Build(),
                                           ContainerLimitOf(4 * kGiB, std::nullopt));
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 3 * kGiB);
  EXPECT_EQ(limit->source, "maxmemory");
}

TEST(ComputeEffectiveLimitTest, MemoryLimitBeforeHostRam) {
  const auto limit =
      ComputeEffectiveLimit(SnapshotBuilder().Build(), ContainerLimitOf(4 * kGiB, 2 * kGiB));
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 4 * kGiB);
  EXPECT_EQ(limit->source, "memory_limit");
}

TEST(ComputeEffectiveLimitTest, CgroupLimitWhenNoMemoryLimitIsWritten) {
  const auto container = ContainerLimitOf(std::nullopt, 2 * kGiB);
  ASSERT_TRUE(container.has_value());
  EXPECT_TRUE(IsContainerLimit(*container));
  const auto limit = ComputeEffectiveLimit(SnapshotBuilder().Build(), container);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 2 * kGiB);
  EXPECT_EQ(limit->source, "cgroup");
  // maxmemory still wins.
  const auto max = ComputeEffectiveLimit(SnapshotBuilder().Maxmemory(kGiB).Build(), container);
  EXPECT_EQ(max->source, "maxmemory");
  EXPECT_FALSE(ContainerLimitOf(0, 0).has_value());
  EXPECT_FALSE(ContainerLimitOf(std::nullopt, std::nullopt).has_value());
}

TEST(ComputeEffectiveLimitTest, HostRamLast) {
  const auto limit = ComputeEffectiveLimit(SnapshotBuilder().Build(), std::nullopt);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 8 * kGiB);
  EXPECT_EQ(limit->source, "total_system_memory");
}

TEST(ComputeEffectiveLimitTest, ZeroesAndAbsentFieldsAreNotLimits) {
  Snapshot s = SnapshotBuilder().TotalSystemMemory(std::nullopt).Build();
  EXPECT_FALSE(ComputeEffectiveLimit(s, std::nullopt).has_value());
  EXPECT_FALSE(ComputeEffectiveLimit(s, ContainerLimitOf(0, std::nullopt)).has_value());
  s.total_system_memory = 0;  // some managed services report 0
  s.maxmemory.reset();
  EXPECT_FALSE(ComputeEffectiveLimit(s, std::nullopt).has_value());
}

}  // namespace effective_limit_test
}  // namespace memwatch::checks
