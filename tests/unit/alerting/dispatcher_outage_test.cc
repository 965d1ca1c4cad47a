// The dispatcher through a receiver outage, on the fake clock: the newest
// state goes first, a critical never waits long, and a receiver's own
// Retry-After is never cut short.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "alerting/dispatcher.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace dispatcher_outage_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::Contains;
using ::testing::DoubleEq;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Le;
using A = testing::AlertSpec;
using testing::Describe;
using testing::Eventually;
using testing::FakeClock;
using testing::FakeFileSystem;
using testing::FakeNotifier;
using testing::FakeSleeper;
using testing::Http;
using testing::ManualSleeper;
using testing::RecordingObserver;

constexpr Severity kWarn = Severity::kWarning;
constexpr Severity kCrit = Severity::kCritical;

Notification N(int i, const std::vector<A>& alerts, std::string target = "coupon-redis") {
  return testing::MakeNotification(i, alerts, std::move(target));
}

std::vector<DeliveryAttempt> Repeat(const DeliveryAttempt& a, int n) {
  return std::vector<DeliveryAttempt>(static_cast<size_t>(n), a);
}

// A dispatcher for one receiver "oncall" whose waits the test controls.
template <typename SleeperT>
struct Rig {
  explicit Rig(Notifier* notifier)
      : outbox(&fs, {"/state"}),
        sleeper(&clock),
        dispatcher(&outbox, {{"oncall", notifier}}, &clock, &sleeper, &observer) {}
  FakeFileSystem fs;
  FakeClock clock;
  Outbox outbox;
  SleeperT sleeper;
  RecordingObserver observer;
  Dispatcher dispatcher;
};

// The issue, on fakes: the receiver answers 503; memory_high (warning) and
// noeviction (critical) go out as one notification, and 250 ms later
// oom_rejections fires (with memory_high now critical). The OOM news is
// attempted at once, the receiver is tried at least every 5 s, and the
// first message it accepts says what is true now.
TEST(DispatcherOutageTest, AfterAnOutageTheFirstMessageSaysWhatIsTrueNow) {
  FakeNotifier hook(Repeat(Http(503), 6));
  Rig<ManualSleeper> rig(&hook);
  hook.RecordTimes(&rig.clock);
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(N(1, {{"memory_high", kWarn}, {"noeviction", kCrit}})).ok());
  ASSERT_TRUE(rig.sleeper.WaitForSleep(1));  // backing off after the first 503
  rig.sleeper.Advance(milliseconds(250));
  ASSERT_TRUE(
      rig.dispatcher.Submit(N(2, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}})).ok());
  // Taken over: one notification waits, and it is tried at once.
  EXPECT_EQ(rig.dispatcher.Stats("oncall").superseded, 1u);
  EXPECT_EQ(rig.dispatcher.Stats("oncall").queue_length, 1u);
  ASSERT_TRUE(hook.WaitForAttempts(2));
  // Let the retries run until the receiver is back.
  auto sent = [&] { return rig.dispatcher.Stats("oncall").sent == 1; };
  for (size_t sleeps = 2; !sent(); ++sleeps) {
    ASSERT_TRUE(Eventually([&] { return rig.sleeper.IsSleeping(sleeps) || sent(); }));
    if (!sent()) rig.sleeper.Advance(rig.sleeper.sleeps().back());
  }
  const std::vector<Notification> attempts = hook.attempts();
  ASSERT_EQ(attempts.size(), 7u);
  const std::vector<double> times = hook.times();
  EXPECT_THAT(times[1], DoubleEq(0.25)) << "the OOM news waited for the backoff";
  for (size_t i = 1; i < attempts.size(); ++i) {
    EXPECT_EQ(attempts[i].id, N(2, {}).id);
    EXPECT_THAT(Describe(attempts[i].alerts),
                ElementsAre("memory_high critical firing", "noeviction critical firing",
                            "oom_rejections critical firing"));
    if (i >= 2) {
      EXPECT_LE(times[i] - times[i - 1], 5.0) << "attempt " << i;
    }
  }
  EXPECT_THAT(rig.sleeper.sleeps(), Each(Le(seconds(5))));
  EXPECT_THAT(rig.observer.results(), Contains("oncall:superseded"));
  const std::vector<testing::RecordedEvent> events = rig.observer.events();
  auto superseded = std::find_if(events.begin(), events.end(), [](const auto& e) {
    return e.result == NotificationResult::kSuperseded;
  });
  ASSERT_NE(superseded, events.end());
  EXPECT_EQ(superseded->id, N(1, {}).id);
  EXPECT_EQ(superseded->target, "coupon-redis");
  EXPECT_THAT(superseded->reason, HasSubstr(N(2, {}).id));
  EXPECT_EQ(events.front().headline, "critical: noeviction, memory_high");
  EXPECT_FALSE(rig.fs.Exists("/state/outbox/" + N(1, {}).id + ".json"));
}

TEST(DispatcherOutageTest, WhileACriticalIsPendingTheReceiverIsTriedEveryFiveSeconds) {
  FakeNotifier hook(Repeat(Http(503), 12));
  Rig<FakeSleeper> rig(&hook);
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(N(1, {{"oom_rejections", kCrit}})).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
  const std::vector<Duration> sleeps = rig.sleeper.sleeps();
  ASSERT_EQ(sleeps.size(), 12u);
  EXPECT_THAT(sleeps, Each(Le(seconds(5))));
  EXPECT_GE(sleeps.back(), milliseconds(4000)) << "the backoff still grows below the cap";
}

TEST(DispatcherOutageTest, WarningsAloneBackOffAsBefore) {
  FakeNotifier hook(Repeat(Http(503), 8));
  Rig<FakeSleeper> rig(&hook);
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(N(1, {{"memory_high", kWarn}})).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
  const std::vector<Duration> sleeps = rig.sleeper.sleeps();
  ASSERT_EQ(sleeps.size(), 8u);
  EXPECT_GE(sleeps.back(), seconds(64));  // 128 s, jittered
}

TEST(DispatcherOutageTest, ANewCriticalIsAttemptedAtOnceWhileAnOlderOneBacksOff) {
  FakeNotifier hook({Http(503), Http(503)});
  Rig<ManualSleeper> rig(&hook);
  hook.RecordTimes(&rig.clock);
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  // A warning about another target meets the outage first and backs off
  // for a long time.
  ASSERT_TRUE(rig.dispatcher.Submit(N(1, {{"evicting", kWarn}}, "b")).ok());
  ASSERT_TRUE(rig.sleeper.WaitForSleep(1));
  ASSERT_TRUE(rig.dispatcher.Submit(N(3, {{"oom_rejections", kCrit}}, "a")).ok());
  ASSERT_TRUE(hook.WaitForAttempts(2));
  EXPECT_EQ(hook.attempts()[1].target, "a");
  EXPECT_THAT(hook.times(), ElementsAre(0.0, 0.0)) << "the critical waited for the backoff";
  // Failed too: now a critical is pending, so the next try is within 5 s,
  // and it is the oldest notification again.
  ASSERT_TRUE(rig.sleeper.WaitForSleep(2));
  EXPECT_LE(rig.sleeper.sleeps().back(), seconds(5));
  rig.sleeper.Advance(seconds(5));
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 2; }));
  EXPECT_EQ(hook.attempts()[2].target, "b");
  EXPECT_EQ(hook.attempts()[3].target, "a");
}

// 429 with Retry-After: 10 while a notification is in flight; the OOM news
// arrives during that attempt. Nothing is sent before the 10 s are over,
// however critical, and the attempt right after carries the current state.
TEST(DispatcherOutageTest, ARetryAfterIsNeverShortenedAndTheStateAfterItIsCurrent) {
  FakeNotifier hook({Http(429, "", "10")}, /*open=*/false);
  Rig<ManualSleeper> rig(&hook);
  hook.RecordTimes(&rig.clock);
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(N(1, {{"memory_high", kWarn}, {"noeviction", kCrit}})).ok());
  ASSERT_TRUE(hook.WaitForEntered(1));
  // In flight: not changed, the newer one waits behind it.
  ASSERT_TRUE(
      rig.dispatcher.Submit(N(2, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}})).ok());
  EXPECT_EQ(rig.dispatcher.Stats("oncall").queue_length, 2u);
  hook.Open();
  // Once the 429 is in, the older one is taken over and the worker waits.
  ASSERT_TRUE(rig.sleeper.WaitForSleep(1));
  EXPECT_EQ(hook.attempts().size(), 1u);
  EXPECT_THAT(rig.sleeper.sleeps(), ElementsAre(seconds(10)));
  EXPECT_EQ(rig.dispatcher.Stats("oncall").superseded, 1u);
  EXPECT_EQ(rig.dispatcher.Stats("oncall").queue_length, 1u);
  // A new critical meanwhile changes nothing: still no attempt before 10 s.
  rig.sleeper.Advance(seconds(3));
  ASSERT_TRUE(rig.dispatcher.Submit(N(3, {{"persistence_failing", kCrit}}, "other")).ok());
  rig.sleeper.Advance(milliseconds(6999));
  EXPECT_EQ(hook.attempts().size(), 1u);
  rig.sleeper.Advance(milliseconds(1));
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 2; }));
  EXPECT_THAT(hook.times(), ElementsAre(0.0, 10.0, 10.0));
  EXPECT_THAT(Describe(hook.attempts()[1].alerts),
              ElementsAre("memory_high critical firing", "noeviction critical firing",
                          "oom_rejections critical firing"));
}

}  // namespace dispatcher_outage_test
}  // namespace memwatch::alerting
