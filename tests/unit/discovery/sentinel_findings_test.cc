// SentinelFindings on a fake time axis: one failover finding held for the
// hold and then gone, quorum at risk and lost, disagreement only past its
// grace; HealthySentinels counts what the answering sentinels see.
#include "discovery/sentinel_findings.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace memwatch::discovery {
namespace sentinel_findings_test {

using std::chrono::minutes;
using std::chrono::seconds;

const NodeAddress kA{"10.0.0.1", 6379};
const NodeAddress kB{"10.0.0.2", 6379};
const MonoTime kT0{};

GroupView Healthy() {
  GroupView v;
  v.primary = kB;
  v.sentinels_known = 3;
  v.sentinels_reachable = 3;
  v.quorum = 2;
  v.needed = 2;
  return v;
}

const Finding* Find(const std::vector<Finding>& fs, std::string_view check) {
  for (const Finding& f : fs) {
    if (f.check == check) return &f;
  }
  return nullptr;
}

TEST(SentinelFindingsTest, AFailoverIsOneFindingHeldForTheHold) {
  SentinelFindings s("orders", {.failover_hold = minutes(10), .disagree_grace = seconds(30)});
  EXPECT_TRUE(s.Update(Healthy(), 3, kT0).empty());
  // 2026-12-07 14:02:11 UTC
  const WallTime wall = std::chrono::system_clock::from_time_t(1796652131);
  s.OnFailover({kA, kB, kT0 + seconds(5)}, wall);
  const std::vector<Finding> now = s.Update(Healthy(), 3, kT0 + seconds(5));
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].check, "failover");
  EXPECT_EQ(now[0].severity, Severity::kWarning);
  EXPECT_EQ(now[0].summary, "orders: 10.0.0.1:6379 failed, 10.0.0.2:6379 promoted at 14:02:11 UTC");
  EXPECT_EQ(s.Update(Healthy(), 3, kT0 + minutes(10)), now);  // same content: no new alert
  EXPECT_TRUE(s.Update(Healthy(), 3, kT0 + seconds(5) + minutes(10)).empty());
}

// A second failover within the hold of the first is news again: the
// finding turns critical (one more notification) and stays so for the
// hold of the last; one past the hold starts over as a warning.
TEST(SentinelFindingsTest, FailoversInARowAreCritical) {
  SentinelFindings s("orders", {.failover_hold = minutes(10), .disagree_grace = seconds(30)});
  const WallTime wall = std::chrono::system_clock::from_time_t(1796652131);  // 14:02:11
  s.OnFailover({kA, kB, kT0}, wall);
  EXPECT_EQ(s.Update(Healthy(), 3, kT0)[0].severity, Severity::kWarning);
  s.OnFailover({kB, kA, kT0 + minutes(4)}, wall + minutes(4));
  GroupView back = Healthy();
  back.primary = kA;
  std::vector<Finding> now = s.Update(back, 3, kT0 + minutes(4));
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].severity, Severity::kCritical);
  EXPECT_EQ(now[0].summary,
            "orders: 2 failovers within 10 minutes; the last: 10.0.0.2:6379 failed, "
            "10.0.0.1:6379 promoted at 14:06:11 UTC");
  // Still critical after the first's hold ended: the hold is the last one's.
  EXPECT_EQ(s.Update(back, 3, kT0 + minutes(12))[0].severity, Severity::kCritical);
  EXPECT_TRUE(s.Update(back, 3, kT0 + minutes(14)).empty());
  s.OnFailover({kA, kB, kT0 + minutes(30)}, wall + minutes(30));
  EXPECT_EQ(s.Update(Healthy(), 3, kT0 + minutes(30))[0].severity, Severity::kWarning);
}

TEST(SentinelFindingsTest, QuorumAtRiskIsAWarningAndLostCritical) {
  SentinelFindings s("orders", {});
  EXPECT_EQ(Find(s.Update(Healthy(), 3, kT0), "sentinel_quorum"), nullptr);
  const std::vector<Finding> at_risk = s.Update(Healthy(), 2, kT0);
  const Finding* risk = Find(at_risk, "sentinel_quorum");
  ASSERT_NE(risk, nullptr);
  EXPECT_EQ(risk->severity, Severity::kWarning);
  EXPECT_EQ(risk->summary,
            "orders: 2 of 3 sentinels healthy, 2 needed: losing one more stops automatic failover");
  const std::vector<Finding> lost = s.Update(Healthy(), 1, kT0);
  ASSERT_NE(Find(lost, "sentinel_quorum"), nullptr);
  EXPECT_EQ(Find(lost, "sentinel_quorum")->severity, Severity::kCritical);
  EXPECT_EQ(Find(lost, "sentinel_quorum")->summary,
            "orders: 1 of 3 sentinels healthy, 2 needed: no automatic failover is possible");
}

TEST(SentinelFindingsTest, DisagreementCountsOnlyPastItsGrace) {
  SentinelFindings s("orders", {.failover_hold = minutes(10), .disagree_grace = seconds(30)});
  GroupView v = Healthy();
  v.sentinels_disagree = true;
  EXPECT_EQ(Find(s.Update(v, 3, kT0), "sentinels_disagree"), nullptr);
  EXPECT_EQ(Find(s.Update(v, 3, kT0 + seconds(29)), "sentinels_disagree"), nullptr);
  EXPECT_NE(Find(s.Update(v, 3, kT0 + seconds(30)), "sentinels_disagree"), nullptr);
  // Agreement resets the clock.
  EXPECT_EQ(Find(s.Update(Healthy(), 3, kT0 + seconds(31)), "sentinels_disagree"), nullptr);
  EXPECT_EQ(Find(s.Update(v, 3, kT0 + seconds(32)), "sentinels_disagree"), nullptr);
}

SentinelInstance Sentinel(bool down) {
  SentinelInstance s;
  s.flags.sentinel = true;
  s.flags.s_down = down;
  return s;
}

TEST(SentinelFindingsTest, HealthySentinelsCountsWhatTheAnsweringOnesSee) {
  EXPECT_EQ(HealthySentinels(0, {}), 0);
  EXPECT_EQ(HealthySentinels(2, {{}, {}}), 2);
  // One configured address of a group of three, all up.
  EXPECT_EQ(HealthySentinels(1, {{Sentinel(false), Sentinel(false)}}), 3);
  // One of the others is down.
  EXPECT_EQ(HealthySentinels(1, {{Sentinel(false), Sentinel(true)}}), 2);
}

}  // namespace sentinel_findings_test
}  // namespace memwatch::discovery
