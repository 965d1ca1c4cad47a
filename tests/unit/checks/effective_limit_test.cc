#include <gtest/gtest.h>

#include "checks/effective_limit.h"
#include "test_support.h"

namespace memwatch::checks {
namespace effective_limit_test {

using testing::kGiB;
using testing::SnapshotBuilder;

TEST(ComputeEffectiveLimitTest, MaxmemoryWins) {
  const auto limit = ComputeEffectiveLimit(SnapshotBuilder().Maxmemory(3 * kGiB).Build(), 4 * kGiB);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 3 * kGiB);
  EXPECT_EQ(limit->source, "maxmemory");
}

TEST(ComputeEffectiveLimitTest, MemoryLimitBeforeHostRam) {
  const auto limit = ComputeEffectiveLimit(SnapshotBuilder().Build(), 4 * kGiB);
  ASSERT_TRUE(limit.has_value());
  EXPECT_EQ(limit->bytes, 4 * kGiB);
  EXPECT_EQ(limit->source, "memory_limit");
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
  EXPECT_FALSE(ComputeEffectiveLimit(s, 0).has_value());
  s.total_system_memory = 0;  // some managed services report 0
  s.maxmemory.reset();
  EXPECT_FALSE(ComputeEffectiveLimit(s, std::nullopt).has_value());
}

}  // namespace effective_limit_test
}  // namespace memwatch::checks
