#include "alerting/alert_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace alert_state_test {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::MakeFinding;
using testing::Mono0;
using ::testing::SizeIs;
using testing::Wall0;

Route MakeRoute(std::string name, Severity min = Severity::kWarning) {
  Route r;
  r.receiver = std::move(name);
  r.min_severity = min;
  r.repeat_interval = hours(4);
  r.send_resolved = true;
  return r;
}

AlertPolicy OneReceiver() {
  AlertPolicy p;
  p.routes.push_back(MakeRoute("oncall"));
  return p;
}

// Drives an AlertState on a virtual clock: Step(d, findings) advances by d,
// then evaluates target "coupon-redis".
class Driver {
 public:
  explicit Driver(AlertPolicy p) : state_(std::move(p), 0xabcdef) {}
  std::vector<Notification> Step(Duration d, const std::vector<Finding>& findings,
                                 std::string target = "coupon-redis") {
    elapsed_ += d;
    return state_.Evaluate(target, findings, Mono0() + elapsed_, Wall0() + elapsed_);
  }
  AlertState& state() { return state_; }

 private:
  AlertState state_;
  Duration elapsed_{0};
};

const Finding kOom = MakeFinding("oom_rejections", Severity::kCritical, "Redis rejected 42 writes");
const Finding kHighWarn = MakeFinding("memory_high", Severity::kWarning);
const Finding kHighCrit = MakeFinding("memory_high", Severity::kCritical);

TEST(AlertStateTest, CriticalFiresAtTheFirstEvaluation) {
  Driver d(OneReceiver());
  auto out = d.Step(Duration(0), {kOom});
  ASSERT_THAT(out, SizeIs(1));
  const Notification& n = out[0];
  EXPECT_EQ(n.target, "coupon-redis");
  EXPECT_EQ(n.receiver, "oncall");
  EXPECT_EQ(n.created_at, Wall0());
  EXPECT_EQ(n.id, "1714564800000-00abcdef-000001");
  ASSERT_THAT(n.alerts, SizeIs(1));
  EXPECT_EQ(n.alerts[0].check, "oom_rejections");
  EXPECT_EQ(n.alerts[0].severity, Severity::kCritical);
  EXPECT_EQ(n.alerts[0].summary, "Redis rejected 42 writes");
  EXPECT_EQ(n.alerts[0].started_at, Wall0());
  EXPECT_FALSE(n.alerts[0].resolved);
  EXPECT_FALSE(n.alerts[0].repeat);
  EXPECT_EQ(n.alerts[0].evidence, kOom.evidence);
  EXPECT_EQ(n.alerts[0].fix, kOom.fix);
}

TEST(AlertStateTest, RepeatsOnlyAfterRepeatInterval) {
  Driver d(OneReceiver());
  ASSERT_THAT(d.Step(Duration(0), {kOom}), SizeIs(1));
  for (int i = 0; i < 239; ++i) ASSERT_THAT(d.Step(minutes(1), {kOom}), IsEmpty()) << i;
  auto out = d.Step(minutes(1), {kOom});  // 4h after the first
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_TRUE(out[0].alerts[0].repeat);
  EXPECT_EQ(out[0].alerts[0].started_at, Wall0());  // still the original start
  EXPECT_THAT(d.Step(hours(3), {kOom}), IsEmpty());
  EXPECT_THAT(d.Step(hours(1), {kOom}), SizeIs(1));
}

TEST(AlertStateTest, ResolvesWhenTheFindingDisappears) {
  Driver d(OneReceiver());
  d.Step(Duration(0), {kOom});
  auto out = d.Step(seconds(90), {});
  ASSERT_THAT(out, SizeIs(1));
  ASSERT_THAT(out[0].alerts, SizeIs(1));
  EXPECT_TRUE(out[0].alerts[0].resolved);
  EXPECT_EQ(out[0].alerts[0].severity, Severity::kCritical);
  EXPECT_EQ(out[0].created_at, Wall0() + seconds(90));
  EXPECT_THAT(d.Step(seconds(1), {}), IsEmpty());
  EXPECT_THAT(d.state().Firing("coupon-redis"), IsEmpty());
}

TEST(AlertStateTest, NoResolvedNotificationWithoutSendResolved) {
  AlertPolicy p = OneReceiver();
  p.routes[0].send_resolved = false;
  Driver d(p);
  d.Step(Duration(0), {kOom});
  EXPECT_THAT(d.Step(seconds(1), {}), IsEmpty());
}

TEST(AlertStateTest, FlappingFindingNotifiesEachTransitionWithoutFor) {
  Driver d(OneReceiver());
  for (int i = 0; i < 3; ++i) {
    auto fired = d.Step(seconds(1), {kOom});
    ASSERT_THAT(fired, SizeIs(1));
    EXPECT_FALSE(fired[0].alerts[0].resolved);
    // Each episode has its own start time.
    EXPECT_EQ(fired[0].alerts[0].started_at, Wall0() + seconds(1 + 2 * i));
    auto resolved = d.Step(seconds(1), {});
    ASSERT_THAT(resolved, SizeIs(1));
    EXPECT_TRUE(resolved[0].alerts[0].resolved);
  }
}

TEST(AlertStateTest, ForAbsorbsAFlappingWarning) {
  AlertPolicy p = OneReceiver();
  p.for_by_check["memory_high"] = seconds(30);
  Driver d(p);
  // Active 20 s, gone 1 s, over and over: the pending timer restarts each time.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 20; ++i) ASSERT_THAT(d.Step(seconds(1), {kHighWarn}), IsEmpty());
    ASSERT_THAT(d.Step(seconds(1), {}), IsEmpty()) << "a pending alert never resolves";
  }
  // Active from t=106 s on; fires once it has been active for 30 s.
  for (int i = 0; i < 30; ++i) ASSERT_THAT(d.Step(seconds(1), {kHighWarn}), IsEmpty());
  auto out = d.Step(seconds(1), {kHighWarn});
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].started_at, Wall0() + seconds(106));  // when it became active
}

TEST(AlertStateTest, DefaultForDelaysWarningsButNeverCriticals) {
  AlertPolicy p = OneReceiver();
  p.default_for = minutes(1);
  Driver d(p);
  EXPECT_THAT(d.Step(Duration(0), {kHighWarn}), IsEmpty());
  auto out = d.Step(seconds(1), {kHighWarn, kOom});
  ASSERT_THAT(out, SizeIs(1));
  ASSERT_THAT(out[0].alerts, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].check, "oom_rejections");
  out = d.Step(seconds(59), {kHighWarn, kOom});
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].check, "memory_high");
}

TEST(AlertStateTest, PerCheckForAppliesToCriticalsToo) {
  AlertPolicy p = OneReceiver();
  p.for_by_check["oom_rejections"] = seconds(10);
  Driver d(p);
  EXPECT_THAT(d.Step(Duration(0), {kOom}), IsEmpty());
  EXPECT_THAT(d.Step(seconds(10), {kOom}), SizeIs(1));
}

TEST(AlertStateTest, PendingWarningEscalatingToCriticalFiresAtOnce) {
  AlertPolicy p = OneReceiver();
  p.default_for = minutes(5);
  Driver d(p);
  EXPECT_THAT(d.Step(Duration(0), {kHighWarn}), IsEmpty());
  auto out = d.Step(seconds(10), {kHighCrit});
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].severity, Severity::kCritical);
  EXPECT_FALSE(out[0].alerts[0].previous_severity.has_value());  // nobody was told before
  EXPECT_EQ(out[0].alerts[0].started_at, Wall0());
}

TEST(AlertStateTest, SeverityChangesRenotifyBothWays) {
  Driver d(OneReceiver());
  d.Step(Duration(0), {kHighWarn});
  auto up = d.Step(minutes(1), {kHighCrit});
  ASSERT_THAT(up, SizeIs(1));
  EXPECT_EQ(up[0].alerts[0].severity, Severity::kCritical);
  EXPECT_EQ(up[0].alerts[0].previous_severity, Severity::kWarning);
  EXPECT_FALSE(up[0].alerts[0].repeat);
  EXPECT_THAT(d.Step(minutes(1), {kHighCrit}), IsEmpty());
  auto down = d.Step(minutes(1), {kHighWarn});
  ASSERT_THAT(down, SizeIs(1));
  EXPECT_EQ(down[0].alerts[0].severity, Severity::kWarning);
  EXPECT_EQ(down[0].alerts[0].previous_severity, Severity::kCritical);
  // The repeat timer restarted at the change.
  EXPECT_THAT(d.Step(hours(4) - seconds(1), {kHighWarn}), IsEmpty());
  EXPECT_THAT(d.Step(seconds(1), {kHighWarn}), SizeIs(1));
}

TEST(AlertStateTest, SimultaneousFindingsGoOutAsOneNotificationPerReceiver) {
  AlertPolicy p = OneReceiver();
  p.routes.push_back(MakeRoute("ops-mail"));
  Driver d(p);
  const Finding evicting = MakeFinding("evicting", Severity::kWarning);
  auto out = d.Step(Duration(0), {kHighWarn, kOom, evicting});
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0].receiver, "oncall");
  EXPECT_EQ(out[1].receiver, "ops-mail");
  EXPECT_NE(out[0].id, out[1].id);
  std::vector<std::string> checks;
  for (const Alert& a : out[0].alerts) checks.push_back(a.check);
  // Most severe first, then by name.
  EXPECT_THAT(checks, ElementsAre("oom_rejections", "evicting", "memory_high"));
  EXPECT_EQ(out[0].alerts, out[1].alerts);
}

TEST(AlertStateTest, OneEvaluationMixesNewFiringAndResolved) {
  Driver d(OneReceiver());
  d.Step(Duration(0), {kHighWarn});
  auto out = d.Step(seconds(5), {kOom});
  ASSERT_THAT(out, SizeIs(1));
  ASSERT_THAT(out[0].alerts, SizeIs(2));
  EXPECT_EQ(out[0].alerts[0].check, "oom_rejections");
  EXPECT_FALSE(out[0].alerts[0].resolved);
  EXPECT_EQ(out[0].alerts[1].check, "memory_high");
  EXPECT_TRUE(out[0].alerts[1].resolved);
}

TEST(AlertStateTest, TargetsAreIndependent) {
  Driver d(OneReceiver());
  auto a = d.Step(Duration(0), {kOom}, "a");
  auto b = d.Step(Duration(0), {kOom}, "b");
  ASSERT_THAT(a, SizeIs(1));
  ASSERT_THAT(b, SizeIs(1));
  EXPECT_EQ(b[0].target, "b");
  EXPECT_THAT(d.Step(seconds(1), {}, "a"), SizeIs(1));       // a resolves
  EXPECT_THAT(d.Step(Duration(0), {kOom}, "b"), IsEmpty());  // b untouched
}

TEST(AlertStateTest, RoutesByMinSeverityTargetsAndChecks) {
  AlertPolicy p;
  p.routes.push_back(MakeRoute("oncall", Severity::kWarning));
  p.routes.push_back(MakeRoute("ops-mail", Severity::kCritical));
  Route pager = MakeRoute("pager", Severity::kInfo);
  pager.targets = {"session-redis"};
  p.routes.push_back(pager);
  Route am = MakeRoute("am", Severity::kWarning);
  am.checks = {"oom_rejections"};
  p.routes.push_back(am);
  Driver d(p);

  auto receivers = [](const std::vector<Notification>& ns) {
    std::vector<std::string> r;
    for (const Notification& n : ns)
      r.push_back(n.receiver + ":" + std::to_string(n.alerts.size()));
    return r;
  };
  const Finding info = MakeFinding("evicting", Severity::kInfo);
  EXPECT_THAT(receivers(d.Step(Duration(0), {kHighWarn}, "coupon-redis")), ElementsAre("oncall:1"));
  EXPECT_THAT(receivers(d.Step(Duration(0), {kOom}, "coupon-redis-2")),
              ElementsAre("oncall:1", "ops-mail:1", "am:1"));
  EXPECT_THAT(receivers(d.Step(Duration(0), {info, kHighCrit}, "session-redis")),
              ElementsAre("oncall:1", "ops-mail:1", "pager:2"));
}

TEST(AlertStateTest, ReceiverAboveTheNewSeverityGetsResolved) {
  AlertPolicy p;
  p.routes.push_back(MakeRoute("oncall", Severity::kWarning));
  p.routes.push_back(MakeRoute("ops-mail", Severity::kCritical));
  Driver d(p);
  ASSERT_THAT(d.Step(Duration(0), {kHighCrit}), SizeIs(2));
  auto out = d.Step(minutes(1), {kHighWarn});
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0].receiver, "oncall");
  EXPECT_EQ(out[0].alerts[0].previous_severity, Severity::kCritical);
  EXPECT_EQ(out[1].receiver, "ops-mail");
  EXPECT_TRUE(out[1].alerts[0].resolved);
  EXPECT_EQ(out[1].alerts[0].severity, Severity::kCritical);  // what it had been told
  // When it finally ends, only oncall hears about it.
  auto end = d.Step(minutes(1), {});
  ASSERT_THAT(end, SizeIs(1));
  EXPECT_EQ(end[0].receiver, "oncall");
}

TEST(AlertStateTest, DuplicateFindingsOfACheckCountOnceAtTheHighestSeverity) {
  Driver d(OneReceiver());
  auto out = d.Step(Duration(0), {kHighWarn, kHighCrit, kHighWarn});
  ASSERT_THAT(out, SizeIs(1));
  ASSERT_THAT(out[0].alerts, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].severity, Severity::kCritical);
}

TEST(AlertStateTest, ContentUpdatesWithoutRenotifying) {
  Driver d(OneReceiver());
  d.Step(Duration(0), {kOom});
  const Finding later =
      MakeFinding("oom_rejections", Severity::kCritical, "Redis rejected 900 writes");
  EXPECT_THAT(d.Step(minutes(1), {later}), IsEmpty());
  auto out = d.Step(hours(4), {later});
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].alerts[0].summary, "Redis rejected 900 writes");
}

TEST(AlertStateTest, IdsAreUniqueAndSortByCreation) {
  Driver d(OneReceiver());
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    for (const Notification& n : d.Step(Duration(i % 2), {}, "t")) ids.push_back(n.id);
    for (const Notification& n : d.Step(Duration(0), {kOom}, "t")) ids.push_back(n.id);
  }
  ASSERT_THAT(ids, SizeIs(99));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(AlertStateTest, ForgetDropsStateSilently) {
  Driver d(OneReceiver());
  d.Step(Duration(0), {kOom});
  d.state().Forget("coupon-redis");
  EXPECT_THAT(d.state().Firing("coupon-redis"), IsEmpty());
  EXPECT_THAT(d.Step(seconds(1), {}), IsEmpty());
  EXPECT_THAT(d.Step(seconds(1), {kOom}), SizeIs(1));  // fires anew
}

TEST(AlertStateTest, SetPolicyKeepsAlertsAndForgetsRemovedReceivers) {
  AlertPolicy p = OneReceiver();
  p.routes.push_back(MakeRoute("old"));
  Driver d(p);
  ASSERT_THAT(d.Step(Duration(0), {kOom}), SizeIs(2));
  AlertPolicy next = OneReceiver();
  next.routes.push_back(MakeRoute("new"));
  d.state().SetPolicy(next);
  auto out = d.Step(seconds(1), {kOom});  // only the new receiver has not been told
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0].receiver, "new");
  EXPECT_THAT(d.state().Firing("coupon-redis"), ElementsAre("oom_rejections"));
}

TEST(AlertPolicyTest, BuiltFromConfig) {
  AlertingConfig c;
  c.repeat_interval = hours(2);
  c.send_resolved = false;
  ReceiverConfig slack{.name = "oncall", .settings = SlackSettings{}};
  ReceiverConfig am{.name = "am", .send_resolved = true, .settings = AlertmanagerSettings{}};
  ReceiverConfig mail{.name = "mail", .repeat_interval = minutes(30), .settings = EmailSettings{}};
  c.receivers = {slack, am, mail};
  AlertPolicy p = PolicyFrom(c);
  ASSERT_THAT(p.routes, SizeIs(3));
  EXPECT_EQ(p.routes[0].repeat_interval, hours(2));
  EXPECT_FALSE(p.routes[0].send_resolved);
  EXPECT_EQ(p.routes[1].repeat_interval, kAlertmanagerRepeatInterval);
  EXPECT_TRUE(p.routes[1].send_resolved);
  EXPECT_EQ(p.routes[2].repeat_interval, minutes(30));
}

}  // namespace alert_state_test
}  // namespace memwatch::alerting
