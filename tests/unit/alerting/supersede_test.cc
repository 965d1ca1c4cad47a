#include "alerting/supersede.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "alerting/alert_state.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace supersede_test {

using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeFinding;
using testing::Mono0;
using testing::Wall0;

constexpr Severity kWarn = Severity::kWarning;
constexpr Severity kCrit = Severity::kCritical;

using A = testing::AlertSpec;
using testing::Describe;

Notification N(int i, const std::vector<A>& alerts, std::string target = "coupon-redis") {
  return testing::MakeNotification(i, alerts, std::move(target));
}

TEST(SupersedeTest, WarningThenCriticalIsOneFirstFiringAtCritical) {
  // The issue: memory_high (warning) and noeviction (critical) wait, then
  // oom_rejections fires and memory_high is critical.
  const Notification older =
      N(1, {{"memory_high", kWarn, {}, false, false, 10}, {"noeviction", kCrit}});
  const Notification newer =
      N(2, {{"memory_high", kCrit, kWarn, false, false, 10}, {"oom_rejections", kCrit}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(s->taken, ElementsAre("memory_high", "noeviction"));
  EXPECT_EQ(s->merged.id, newer.id);
  EXPECT_EQ(s->merged.created_at, newer.created_at);
  // The receiver never heard of memory_high: a first firing, at critical.
  EXPECT_THAT(Describe(s->merged.alerts),
              ElementsAre("memory_high critical firing", "noeviction critical firing",
                          "oom_rejections critical firing"));
  EXPECT_EQ(s->merged.alerts[0].started_at, Wall0() + seconds(10));
}

TEST(SupersedeTest, AFirstFiringThenItsResolvedIsOneResolvedThatSaysWhenItStarted) {
  // time_to_full fired and resolved while the receiver was down: the first
  // message after the outage is the current state, and its resolved tells
  // the episode (from when it started until this notification).
  const Notification older =
      N(1, {{"time_to_full", kCrit, {}, false, false, 10}, {"memory_high", kWarn}});
  const Notification newer =
      N(2, {{"time_to_full", kCrit, {}, false, true, 30}, {"oom_rejections", kCrit}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(s->taken, ElementsAre("memory_high", "time_to_full"));
  EXPECT_THAT(Describe(s->merged.alerts),
              ElementsAre("oom_rejections critical firing", "memory_high warning firing",
                          "time_to_full critical resolved"));
  EXPECT_EQ(s->merged.alerts[2].started_at, Wall0() + seconds(10));
}

TEST(SupersedeTest, AReminderThenItsResolvedIsJustTheResolved) {
  const Notification older = N(1, {{"memory_high", kWarn, {}, /*repeat=*/true}});
  const Notification newer = N(2, {{"memory_high", kWarn, {}, false, /*resolved=*/true}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(Describe(s->merged.alerts), ElementsAre("memory_high warning resolved"));
}

TEST(SupersedeTest, ASeverityChangeThenResolvedKeepsTheChangeForAlertmanager) {
  // Alertmanager holds memory_high at warning: it must hear that one end.
  const Notification older = N(1, {{"memory_high", kCrit, kWarn}});
  const Notification newer = N(2, {{"memory_high", kCrit, {}, false, true}});
  const std::optional<Supersession> s = Supersede(older, newer);
  EXPECT_FALSE(s.has_value()) << "nothing to take over: both must be delivered as they are";
}

TEST(SupersedeTest, AChangeIsMeasuredFromWhatTheReceiverWasToldBeforeTheOlderOne) {
  // Told warning; then critical (pending), then back to warning: the
  // receiver hears a reminder of what it knows.
  EXPECT_THAT(Describe(Supersede(N(1, {{"memory_high", kCrit, kWarn}}),
                                 N(2, {{"memory_high", kWarn, kCrit}}))
                           ->merged.alerts),
              ElementsAre("memory_high warning firing (repeat)"));
  // Told warning (a reminder pending), then critical: a change from warning.
  EXPECT_THAT(Describe(Supersede(N(1, {{"memory_high", kWarn, {}, true}}),
                                 N(2, {{"memory_high", kCrit, kWarn}}))
                           ->merged.alerts),
              ElementsAre("memory_high critical firing (was warning)"));
  // Told critical; warning pending; critical again: a reminder.
  EXPECT_THAT(Describe(Supersede(N(1, {{"memory_high", kWarn, kCrit}}),
                                 N(2, {{"memory_high", kCrit, kWarn}}))
                           ->merged.alerts),
              ElementsAre("memory_high critical firing (repeat)"));
}

TEST(SupersedeTest, AResolvedAloneMovesWithTheTimeItEnded) {
  const Notification older = N(1, {{"no_ttl_growth", kWarn, {}, false, true}});
  const Notification newer = N(2, {{"oom_rejections", kCrit}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(Describe(s->merged.alerts),
              ElementsAre("oom_rejections critical firing", "no_ttl_growth warning resolved"));
  EXPECT_EQ(s->merged.alerts[1].ended_at, older.created_at);
  EXPECT_EQ(s->merged.alerts[0].ended_at, std::nullopt);
  // Moved again, it keeps the first end time.
  const std::optional<Supersession> again = Supersede(s->merged, N(3, {{"memory_high", kWarn}}));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->merged.alerts.back().ended_at, older.created_at);
}

TEST(SupersedeTest, AResolvedThatFiredAgainAtItsSeverityIsAReminder) {
  const Notification older = N(1, {{"evicting", kWarn, {}, false, true}, {"memory_high", kWarn}});
  const Notification newer =
      N(2, {{"evicting", kWarn, {}, false, false, 2}, {"oom_rejections", kCrit}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(Describe(s->merged.alerts),
              ElementsAre("oom_rejections critical firing", "evicting warning firing (repeat)",
                          "memory_high warning firing"));
  EXPECT_EQ(s->merged.alerts[1].started_at, Wall0());
}

TEST(SupersedeTest, AResolvedThatFiredAgainAtAnotherSeverityIsAChangeFromIt) {
  const Notification older = N(1, {{"evicting", kCrit, {}, false, true}, {"memory_high", kWarn}});
  const Notification newer = N(2, {{"evicting", kWarn}, {"oom_rejections", kCrit}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_THAT(s->kept, IsEmpty());
  EXPECT_THAT(Describe(s->merged.alerts),
              ElementsAre("oom_rejections critical firing",
                          "evicting warning firing (was critical)", "memory_high warning firing"));
}

TEST(SupersedeTest, KeepsWhenEachFindingStarted) {
  // A restarted daemon fires again with a later start; the receiver was
  // told of the earlier one and never of its end.
  const Notification older = N(1, {{"memory_high", kWarn, {}, false, false, 5}});
  const Notification newer = N(2, {{"memory_high", kCrit, {}, false, false, 900}});
  const std::optional<Supersession> s = Supersede(older, newer);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->merged.alerts[0].started_at, Wall0() + seconds(5));
}

TEST(SupersedeTest, OtherTargetsAndTestsAreNeverTouched) {
  EXPECT_FALSE(Supersede(N(1, {{"memory_high", kWarn}}, "a"), N(2, {{"memory_high", kCrit}}, "b")));
  Notification test = N(2, {{"test_alert", kCrit}});
  test.test = true;
  EXPECT_FALSE(Supersede(N(1, {{"memory_high", kWarn}}), test));
  EXPECT_FALSE(Supersede(test, N(3, {{"memory_high", kWarn}})));
}

// What a receiver believes after reading `notifications` in order: per
// check, the severity it fires at, or absent when resolved.
std::map<std::string, Severity> Belief(const std::vector<Notification>& notifications) {
  std::map<std::string, Severity> b;
  for (const Notification& n : notifications) {
    for (const Alert& a : n.alerts) {
      if (a.resolved) {
        b.erase(a.check);
      } else {
        b[a.check] = a.severity;
      }
    }
  }
  return b;
}

// What Alertmanager holds active after `notifications`, as the
// alertmanager formatter posts them: (check, severity) pairs; a severity
// change ends the previous one, a resolved ends its own.
std::set<std::pair<std::string, Severity>> AlertmanagerView(
    const std::vector<Notification>& notifications) {
  std::set<std::pair<std::string, Severity>> active;
  for (const Notification& n : notifications) {
    for (const Alert& a : n.alerts) {
      if (a.previous_severity) active.erase({a.check, *a.previous_severity});
      if (a.resolved) {
        active.erase({a.check, a.severity});
      } else {
        active.insert({a.check, a.severity});
      }
    }
  }
  return active;
}

// Random incidents through the real AlertState: folding every notification
// into the queue as the outbox does (newest takes over from the one before
// it) leaves the receiver (a person, or Alertmanager) believing exactly what
// it would after reading all of them, ends every check with the same last
// word, and says when each finding it resolves started.
TEST(SupersedeTest, FoldingAnIncidentLosesNoTransitionAndEndsAtTheTruth) {
  std::mt19937 rng(7);
  const std::vector<std::string> checks{"memory_high", "noeviction", "oom_rejections",
                                        "time_to_full"};
  for (int round = 0; round < 300; ++round) {
    AlertPolicy policy;
    Route r;
    r.receiver = "oncall";
    r.repeat_interval = seconds(40);
    policy.routes.push_back(r);
    AlertState state(policy, 1);
    // `delivered`: what the receiver accepted during short recoveries; then
    // what it was told before matters.
    std::vector<Notification> all, delivered, queue;
    for (int step = 0; step < 40; ++step) {
      if (rng() % 5 == 0) {
        delivered.insert(delivered.end(), queue.begin(), queue.end());
        queue.clear();
      }
      std::vector<Finding> active;
      for (const std::string& c : checks) {
        const int roll = static_cast<int>(rng() % 6);
        if (roll >= 2) active.push_back(MakeFinding(c, roll >= 4 ? kCrit : kWarn));
      }
      for (Notification& n : state.Evaluate("coupon-redis", active, Mono0() + seconds(10 * step),
                                            Wall0() + seconds(10 * step))) {
        all.push_back(n);
        if (!queue.empty()) {
          if (std::optional<Supersession> s = Supersede(queue.back(), n)) {
            if (s->kept.empty()) {
              queue.back() = s->merged;
            } else {
              queue.back().alerts = s->kept;
              queue.push_back(s->merged);
            }
            continue;
          }
        }
        queue.push_back(n);
      }
    }
    delivered.insert(delivered.end(), queue.begin(), queue.end());
    queue = delivered;
    ASSERT_EQ(Belief(queue), Belief(all)) << "round " << round;
    ASSERT_EQ(AlertmanagerView(queue), AlertmanagerView(all)) << "round " << round;
    // Every check the history mentions ends in the queue with the same
    // last word (a resolved or a firing), and no resolved is invented; one
    // that no firing of the same check precedes tells when it started.
    size_t resolved_all = 0, resolved_queue = 0;
    std::map<std::string, bool> ends_resolved_all;
    for (const Notification& n : all) {
      for (const Alert& a : n.alerts) {
        resolved_all += a.resolved ? 1 : 0;
        ends_resolved_all[a.check] = a.resolved;
      }
    }
    std::map<std::string, bool> told;
    for (const Notification& n : queue) {
      for (const Alert& a : n.alerts) {
        if (a.resolved) {
          ++resolved_queue;
          EXPECT_TRUE(told[a.check] || a.started_at < n.created_at)
              << "round " << round << ": a resolved of " << a.check
              << " with no firing before it nor when it started";
        }
        told[a.check] = !a.resolved;
      }
    }
    std::map<std::string, bool> ends_resolved_queue;
    for (const auto& [check, firing] : told) ends_resolved_queue[check] = !firing;
    EXPECT_EQ(ends_resolved_queue, ends_resolved_all) << "round " << round;
    EXPECT_LE(resolved_queue, resolved_all) << "round " << round;
    // Queued notifications keep the order they were created in.
    for (size_t i = 1; i < queue.size(); ++i) {
      EXPECT_LT(queue[i - 1].created_at, queue[i].created_at) << "round " << round;
    }
  }
}

}  // namespace supersede_test
}  // namespace memwatch::alerting
