// A held finding is reported once it lasted its grace at every evaluation;
// a gap starts it over; other findings pass at once.
#include <gtest/gtest.h>

#include "discovery/finding_grace.h"

namespace memwatch::discovery {
namespace finding_grace_test {

using std::chrono::seconds;

std::vector<Finding> Of(std::initializer_list<const char*> checks) {
  std::vector<Finding> out;
  for (const char* c : checks) out.push_back(Finding{.check = c});
  return out;
}

TEST(FindingGraceTest, AHeldFindingWaitsOutItsGraceAndAGapStartsItOver) {
  FindingGrace grace({{"cluster_state", seconds(5)}});
  const MonoTime t0{};
  EXPECT_EQ(grace.Filter(Of({"cluster_state", "cluster_shard_near_limit"}), t0).size(), 1u);
  EXPECT_TRUE(grace.waiting());
  EXPECT_TRUE(grace.Filter(Of({"cluster_state"}), t0 + seconds(4)).empty());
  ASSERT_EQ(grace.Filter(Of({"cluster_state"}), t0 + seconds(5)).size(), 1u);
  EXPECT_FALSE(grace.waiting());
  // Gone once (a failover's promotion done), then back: its grace again.
  EXPECT_TRUE(grace.Filter({}, t0 + seconds(6)).empty());
  EXPECT_TRUE(grace.Filter(Of({"cluster_state"}), t0 + seconds(7)).empty());
  EXPECT_TRUE(grace.waiting());
}

}  // namespace finding_grace_test
}  // namespace memwatch::discovery
