// Snapshot::TotalKeys / TotalExpires: sums over keyspace that cannot overflow.
#include "memwatch/snapshot.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

namespace memwatch {
namespace snapshot_test {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST(Snapshot, TotalsOfEmptyKeyspaceAreZero) {
  const Snapshot s;
  EXPECT_EQ(s.TotalKeys(), 0);
  EXPECT_EQ(s.TotalExpires(), 0);
}

TEST(Snapshot, TotalsSumAllDbs) {
  Snapshot s;
  s.keyspace["db0"] = KeyspaceDb{10, 3, 100, std::nullopt};
  s.keyspace["db1"] = KeyspaceDb{5, 5, 0, 2};
  s.keyspace["db9"] = KeyspaceDb{1, 0, 0, std::nullopt};
  EXPECT_EQ(s.TotalKeys(), 16);
  EXPECT_EQ(s.TotalExpires(), 8);
}

TEST(Snapshot, TotalsSaturateInsteadOfOverflowing) {
  Snapshot s;
  s.keyspace["db0"] = KeyspaceDb{kMax, kMax - 1, 0, std::nullopt};
  s.keyspace["db1"] = KeyspaceDb{kMax, 2, 0, std::nullopt};
  s.keyspace["db2"] = KeyspaceDb{1, 1, 0, std::nullopt};
  EXPECT_EQ(s.TotalKeys(), kMax);
  EXPECT_EQ(s.TotalExpires(), kMax);
}

// The parser never stores one; a hand-built snapshot's negative count must
// not pull the total below the other dbs' sum.
TEST(Snapshot, NegativeCountsAddNothing) {
  Snapshot s;
  s.keyspace["db0"] = KeyspaceDb{-5, -1, 0, std::nullopt};
  s.keyspace["db1"] = KeyspaceDb{7, 2, 0, std::nullopt};
  EXPECT_EQ(s.TotalKeys(), 7);
  EXPECT_EQ(s.TotalExpires(), 2);
}

}  // namespace snapshot_test
}  // namespace memwatch
