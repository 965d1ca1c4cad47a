// GroupState replays failovers on a fake time axis: one event per change,
// whether sentinels learn it in different rounds or a +switch-master comes
// first; stale sentinels cause no flip-flop; quorum at risk and lost.
#include "discovery/group_state.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

namespace memwatch::discovery {
namespace group_state_test {

using std::chrono::seconds;

const NodeAddress kA{"10.0.0.1", 6379};
const NodeAddress kB{"10.0.0.2", 6379};
const NodeAddress kC{"10.0.0.3", 6379};
const MonoTime kT0{};

SentinelReport Says(const std::optional<NodeAddress>& primary, int quorum = 2) {
  SentinelReport r;
  r.sentinel = "s";
  r.reachable = true;
  r.primary = primary;
  SentinelPrimary master;
  master.quorum = quorum;
  master.num_other_sentinels = 2;
  r.master = master;
  return r;
}

SentinelReport Unreachable() { return SentinelReport{"s", false, std::nullopt, std::nullopt, {}}; }

// Plays rounds at t0, t0+10 s, ...; returns the events in order.
std::vector<FailoverEvent> Replay(GroupState* g,
                                  const std::vector<std::vector<SentinelReport>>& rounds) {
  std::vector<FailoverEvent> events;
  for (size_t i = 0; i < rounds.size(); ++i) {
    const GroupView v = g->Round(rounds[i], kT0 + seconds(10 * i));
    if (v.failover) {
      events.push_back(*v.failover);
    }
  }
  return events;
}

TEST(GroupState, SentinelsLearnTheFailoverInDifferentRounds) {
  GroupState g("mymaster");
  const std::vector<FailoverEvent> events =
      Replay(&g, {{Says(kA), Says(kA), Says(kA)},
                  {Says(kB), Says(kA), Says(kA)},  // one sentinel knows
                  {Says(kB), Says(kB), Says(kA)},  // a majority: the failover
                  {Says(kB), Says(kB), Says(kB)},
                  {Says(kB), Says(kB), Says(kB)}});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], (FailoverEvent{kA, kB, kT0 + seconds(20)}));
  EXPECT_EQ(g.primary(), kB);
}

TEST(GroupState, FirstPrimaryIsNoFailover) {
  GroupState g("mymaster");
  const GroupView v = g.Round({Says(kA), Says(kA), Unreachable()}, kT0);
  EXPECT_EQ(v.primary, kA);
  EXPECT_FALSE(v.failover.has_value());
  EXPECT_FALSE(v.sentinels_disagree);
}

TEST(GroupState, SwitchMasterThenRoundsGiveOneEvent) {
  GroupState g("mymaster");
  g.Round({Says(kA), Says(kA), Says(kA)}, kT0);
  const std::optional<FailoverEvent> e = g.OnSwitchMaster({"mymaster", kA, kB}, kT0 + seconds(3));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(*e, (FailoverEvent{kA, kB, kT0 + seconds(3)}));
  // The same message from a second sentinel, another group's message.
  EXPECT_FALSE(g.OnSwitchMaster({"mymaster", kA, kB}, kT0 + seconds(4)).has_value());
  EXPECT_FALSE(g.OnSwitchMaster({"other", kB, kC}, kT0 + seconds(4)).has_value());
  // The next rounds: most sentinels still name A, then they converge.
  GroupView v = g.Round({Says(kB), Says(kA), Says(kA)}, kT0 + seconds(10));
  EXPECT_FALSE(v.failover.has_value());  // no flip back to A
  EXPECT_EQ(v.primary, kB);
  EXPECT_TRUE(v.sentinels_disagree);
  v = g.Round({Says(kB), Says(kB), Says(kA)}, kT0 + seconds(20));
  EXPECT_FALSE(v.failover.has_value());
  v = g.Round({Says(kB), Says(kB), Says(kB)}, kT0 + seconds(30));
  EXPECT_FALSE(v.failover.has_value());
  EXPECT_EQ(v.primary, kB);
}

TEST(GroupState, RealFailBackIsTakenOnceNoSentinelNamesTheCurrentPrimary) {
  GroupState g("mymaster");
  const std::vector<FailoverEvent> events =
      Replay(&g, {{Says(kA), Says(kA), Says(kA)},
                  {Says(kB), Says(kB), Says(kB)},       // A -> B
                  {Says(kA), Says(kA), Says(kB)},       // back to A? one still names B: wait
                  {Says(kA), Says(kA), Unreachable()},  // A -> B -> A
                  {Says(kA), Says(kA), Says(kA)}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (FailoverEvent{kA, kB, kT0 + seconds(10)}));
  EXPECT_EQ(events[1], (FailoverEvent{kB, kA, kT0 + seconds(30)}));
}

TEST(GroupState, FailoverToAThirdAddressNeedsOnlyAMajority) {
  GroupState g("mymaster");
  const std::vector<FailoverEvent> events = Replay(&g, {{Says(kA), Says(kA), Says(kA)},
                                                        {Says(kB), Says(kB), Says(kB)},
                                                        {Says(kC), Says(kC), Says(kB)}});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], (FailoverEvent{kB, kC, kT0 + seconds(20)}));
}

TEST(GroupState, NoMajorityKeepsThePrimary) {
  GroupState g("mymaster");
  g.Round({Says(kA), Says(kA), Says(kA)}, kT0);
  const GroupView v = g.Round({Says(kA), Says(kB), Unreachable()}, kT0 + seconds(10));
  EXPECT_EQ(v.primary, kA);
  EXPECT_TRUE(v.sentinels_disagree);
  EXPECT_FALSE(v.failover.has_value());
  // Sentinels that do not know the group do not vote.
  const GroupView w = g.Round({Says(kA), Says(std::nullopt), Says(std::nullopt)}, kT0);
  EXPECT_EQ(w.primary, kA);
  EXPECT_FALSE(w.sentinels_disagree);
}

TEST(GroupState, QuorumAtRiskAndLost) {
  GroupState g("mymaster");
  GroupView v = g.Round({Says(kA), Says(kA), Says(kA)}, kT0);
  EXPECT_EQ(v.sentinels_known, 3);
  EXPECT_EQ(v.sentinels_reachable, 3);
  EXPECT_EQ(v.quorum, 2);
  EXPECT_EQ(v.needed, 2);
  EXPECT_FALSE(v.quorum_at_risk);
  EXPECT_FALSE(v.quorum_lost);
  v = g.Round({Says(kA), Says(kA), Unreachable()}, kT0);
  EXPECT_TRUE(v.quorum_at_risk);
  EXPECT_FALSE(v.quorum_lost);
  v = g.Round({Says(kA), Unreachable(), Unreachable()}, kT0);
  EXPECT_TRUE(v.quorum_lost);
  EXPECT_TRUE(v.quorum_at_risk);
  EXPECT_EQ(v.primary, kA);  // one sentinel is a majority of those that answered
  // A quorum above the majority raises `needed`; five sentinels known from
  // num-other-sentinels although only three are configured.
  SentinelReport five = Says(kA, 4);
  five.master->num_other_sentinels = 4;
  v = g.Round({five, Says(kA, 4), Says(kA, 4)}, kT0);
  EXPECT_EQ(v.sentinels_known, 5);
  EXPECT_EQ(v.needed, 4);
  EXPECT_TRUE(v.quorum_lost);
}

SentinelInstance Replica(const NodeAddress& address, bool s_down) {
  SentinelInstance r;
  r.address = address;
  r.flags.replica = true;
  r.flags.s_down = s_down;
  return r;
}

TEST(GroupState, ReplicasFromTheSentinelsThatAgree) {
  GroupState g("mymaster");
  SentinelReport s1 = Says(kA);
  s1.replicas = {Replica(kB, false), Replica(kC, false)};
  SentinelReport s2 = Says(kA);
  s2.replicas = {Replica(kC, true)};
  SentinelReport stale = Says(kB);
  stale.replicas = {Replica(kA, false), Replica({"10.0.0.9", 1}, false)};
  const GroupView v = g.Round({s1, s2, stale}, kT0);
  EXPECT_EQ(v.replicas, (std::vector<ReplicaView>{{kB, false}, {kC, true}}));
  // A sentinel that lists the primary as a replica (before reconfiguring).
  SentinelReport lagging = Says(kA);
  lagging.replicas = {Replica(kA, false)};
  EXPECT_TRUE(g.Round({lagging}, kT0).replicas.empty());
}

}  // namespace group_state_test
}  // namespace memwatch::discovery
