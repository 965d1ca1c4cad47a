#include "alerting/dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/notification_json.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace dispatcher_test {

using std::chrono::seconds;
using ::testing::ElementsAre;
using testing::Eventually;
using testing::FakeClock;
using testing::FakeFileSystem;
using testing::FakeNotifier;
using testing::FakeSleeper;
using ::testing::HasSubstr;
using testing::Http;
using testing::ManualSleeper;
using testing::RecordingObserver;
using ::testing::SizeIs;
using testing::Transport;
using testing::Wall0;

constexpr const char* kDir = "/state";

Notification Make(int i, std::string receiver = "oncall") {
  Notification n;
  n.id = "1714564800000-00000000-" + std::to_string(100000 + i);
  n.target = "redis-" + std::to_string(i);  // one target each: none supersedes another
  n.receiver = std::move(receiver);
  n.created_at = Wall0();
  Alert a;
  a.check = "oom_rejections";
  a.severity = Severity::kCritical;
  a.summary = "Redis rejected writes";
  a.started_at = Wall0();
  n.alerts.push_back(a);
  return n;
}

std::string PendingPath(const Notification& n) {
  return std::string(kDir) + "/outbox/" + n.id + ".json";
}

struct Rig {
  explicit Rig(std::map<std::string, Notifier*, std::less<>> notifiers, OutboxOptions o = {kDir})
      : outbox(&fs, o),
        sleeper(&clock),
        dispatcher(&outbox, std::move(notifiers), &clock, &sleeper, &observer) {}
  FakeFileSystem fs;
  FakeClock clock;
  Outbox outbox;
  FakeSleeper sleeper;
  RecordingObserver observer;
  Dispatcher dispatcher;
};

TEST(DispatcherTest, DeliversAndRemovesFromTheOutbox) {
  FakeNotifier slack;
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
  EXPECT_FALSE(rig.fs.Exists(PendingPath(Make(1))));
  EXPECT_THAT(slack.attempts(), ElementsAre(Make(1)));
  EXPECT_THAT(rig.observer.results(), ElementsAre("oncall:sent"));
  EXPECT_EQ(rig.observer.queue("oncall"), 0u);
  EXPECT_EQ(rig.dispatcher.Stats("oncall").queue_length, 0u);
}

TEST(DispatcherTest, EventsSayWhichNotificationAndWhy) {
  FakeNotifier slack({Http(503, "upstream down")});
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  // The counters are bumped just before the event: wait for the event.
  ASSERT_TRUE(Eventually([&] { return rig.observer.events().size() == 2; }));
  const std::vector<testing::RecordedEvent> events = rig.observer.events();
  ASSERT_THAT(events, SizeIs(2));
  const testing::RecordedEvent& retried = events[0];
  EXPECT_EQ(retried.result, NotificationResult::kRetried);
  EXPECT_EQ(retried.receiver, "oncall");
  EXPECT_EQ(retried.id, Make(1).id);
  EXPECT_EQ(retried.target, "redis-1");
  EXPECT_EQ(retried.headline, "critical: oom_rejections");
  EXPECT_EQ(retried.firing, 1);
  EXPECT_EQ(retried.created_at, Wall0());
  EXPECT_EQ(retried.attempts, 1);
  EXPECT_THAT(retried.reason, HasSubstr("HTTP 503"));
  EXPECT_EQ(retried.at, Wall0());
  const testing::RecordedEvent& sent = events[1];
  EXPECT_EQ(sent.result, NotificationResult::kSent);
  EXPECT_EQ(sent.id, Make(1).id);
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(sent.reason, "");
  EXPECT_GT(sent.at, Wall0());  // after the backoff, on the fake wall clock
}

TEST(DispatcherTest, FlakySlackIsReplayedInMilliseconds) {
  FakeNotifier slack({Http(500), Transport(TransportError::kTimeout, "Timeout was reached"),
                      Http(429, "rate_limited", "3"), Http(503), Http(200, "ok")});
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
  EXPECT_THAT(slack.attempts(), SizeIs(5));
  const std::vector<Duration> sleeps = rig.sleeper.sleeps();
  ASSERT_THAT(sleeps, SizeIs(4));
  EXPECT_GE(sleeps[0], Duration(500));  // 1 s backoff, jittered
  EXPECT_LE(sleeps[0], seconds(1));
  EXPECT_GE(sleeps[1], seconds(1));  // 2 s backoff
  EXPECT_LE(sleeps[1], seconds(2));
  EXPECT_EQ(sleeps[2], seconds(3));  // Retry-After
  EXPECT_GE(sleeps[3], seconds(4));  // 8 s backoff: the 429 counted as a failure too
  EXPECT_LE(sleeps[3], seconds(8));
  const ReceiverStats s = rig.dispatcher.Stats("oncall");
  EXPECT_EQ(s.retried, 4u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_FALSE(rig.fs.Exists(PendingPath(Make(1))));
  // Latency: from the evaluation to the 2xx, on the (fake) wall clock.
  Duration total{0};
  for (Duration d : sleeps) total += d;
  EXPECT_THAT(rig.observer.latencies(), ElementsAre(total));
}

TEST(DispatcherTest, PermanentFailureIsKeptAsideAndNotRetried) {
  FakeNotifier slack({Http(400, "invalid_payload")});
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").failed == 1; }));
  EXPECT_THAT(slack.attempts(), SizeIs(1));
  EXPECT_FALSE(rig.fs.Exists(PendingPath(Make(1))));
  const std::string failed = rig.fs.Get(std::string(kDir) + "/failed/" + Make(1).id + ".json");
  EXPECT_THAT(nlohmann::json::parse(failed)["failed_reason"].get<std::string>(),
              HasSubstr("HTTP 400 invalid_payload"));
  ASSERT_TRUE(Eventually([&] { return !rig.observer.events().empty(); }));
  EXPECT_THAT(rig.observer.results(), ElementsAre("oncall:failed"));
  EXPECT_EQ(rig.observer.events()[0].id, Make(1).id);
  EXPECT_EQ(rig.observer.events()[0].attempts, 1);
  EXPECT_THAT(rig.observer.events()[0].reason, HasSubstr("HTTP 400 invalid_payload"));
  // The next notification goes through.
  ASSERT_TRUE(rig.dispatcher.Submit(Make(2)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
}

TEST(DispatcherTest, ASlowReceiverNeverDelaysAnother) {
  FakeNotifier hanging({}, /*open=*/false);
  FakeNotifier slack;
  Rig rig({{"hanging", &hanging}, {"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1, "hanging")).ok());
  ASSERT_TRUE(hanging.WaitForEntered(1));
  for (int i = 2; i <= 4; ++i) ASSERT_TRUE(rig.dispatcher.Submit(Make(i)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 3; }));
  EXPECT_EQ(rig.dispatcher.Stats("hanging").sent, 0u);
  hanging.Open();
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("hanging").sent == 1; }));
}

TEST(DispatcherTest, DeliversInOrderPerReceiver) {
  FakeNotifier slack({Http(502), Http(502)});
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  // Warnings: a new critical would be tried at once while 1 backs off.
  for (int i = 1; i <= 3; ++i) {
    Notification n = Make(i);
    n.alerts[0].severity = Severity::kWarning;
    ASSERT_TRUE(rig.dispatcher.Submit(n).ok());
  }
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 3; }));
  std::vector<std::string> ids;
  for (const Notification& n : slack.attempts()) ids.push_back(n.id);
  EXPECT_THAT(ids, ElementsAre(Make(1).id, Make(1).id, Make(1).id, Make(2).id, Make(3).id));
}

TEST(DispatcherTest, StartDeliversWhatTheLastRunLeftAndFailsOrphans) {
  FakeNotifier slack;
  Rig rig({{"oncall", &slack}});
  for (const Notification& n : {Make(1), Make(2, "removed-receiver")}) {
    rig.fs.Put(PendingPath(n),
               nlohmann::json{{"format", 1}, {"notification", NotificationToJson(n)}}.dump());
  }
  Result<RecoveryReport> report = rig.dispatcher.Start();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report.value().recovered, 2u);
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
  EXPECT_THAT(slack.attempts(), ElementsAre(Make(1)));
  const std::string failed = rig.fs.Get(std::string(kDir) + "/failed/" + Make(2).id + ".json");
  EXPECT_THAT(failed, HasSubstr("no longer configured"));
  const std::vector<testing::RecordedEvent> events = rig.observer.events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].receiver, "removed-receiver");
  EXPECT_EQ(events[0].result, NotificationResult::kFailed);
  EXPECT_EQ(events[0].id, Make(2).id);
  EXPECT_EQ(events[0].target, "redis-2");
  EXPECT_THAT(events[0].reason, HasSubstr("no longer configured"));
}

TEST(DispatcherTest, StopCutsRetryWaitsShortAndKeepsThePending) {
  FakeNotifier slack({Http(500), Http(500), Http(500)});
  FakeFileSystem fs;
  FakeClock clock;
  Outbox outbox(&fs, {kDir});
  CondVarSleeper sleeper;  // real waits: backoff would be 0.5-1 s
  NullDispatchObserver observer;
  Dispatcher dispatcher(&outbox, {{"oncall", &slack}}, &clock, &sleeper, &observer);
  ASSERT_TRUE(dispatcher.Start().ok());
  ASSERT_TRUE(dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(slack.WaitForAttempts(1));
  const auto before = std::chrono::steady_clock::now();
  dispatcher.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(400));
  EXPECT_TRUE(fs.Exists(PendingPath(Make(1))));
  dispatcher.Stop();  // idempotent
}

TEST(DispatcherTest, FullQueueDropsTheOldestLoudly) {
  FakeNotifier hanging({}, /*open=*/false);
  Rig rig({{"oncall", &hanging}}, OutboxOptions{kDir, /*max_pending_per_receiver=*/3});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(hanging.WaitForEntered(1));  // 1 is in flight: never dropped
  for (int i = 2; i <= 5; ++i) ASSERT_TRUE(rig.dispatcher.Submit(Make(i)).ok());
  EXPECT_EQ(rig.dispatcher.Stats("oncall").dropped, 2u);
  EXPECT_THAT(rig.observer.results(), ElementsAre("oncall:dropped", "oncall:dropped"));
  const std::vector<testing::RecordedEvent> dropped = rig.observer.events();
  EXPECT_EQ(dropped[0].id, Make(2).id);
  EXPECT_EQ(dropped[1].id, Make(3).id);
  EXPECT_THAT(dropped[0].reason, HasSubstr("queue full"));
  EXPECT_EQ(dropped[0].attempts, 0);
  EXPECT_EQ(rig.observer.queue("oncall"), 3u);
  hanging.Open();
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 3; }));
  std::vector<std::string> ids;
  for (const Notification& n : hanging.attempts()) ids.push_back(n.id);
  EXPECT_THAT(ids, ElementsAre(Make(1).id, Make(4).id, Make(5).id));
}

TEST(DispatcherTest, ADiskErrorIsReportedButTheAlertStillGoesOut) {
  FakeNotifier slack;
  Rig rig({{"oncall", &slack}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  rig.fs.FailNextWrites(1);
  EXPECT_FALSE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 1; }));
}

TEST(DispatcherTest, AQueuedFileDeletedBehindItsBackIsCountedAsDropped) {
  FakeNotifier hanging({}, /*open=*/false);
  Rig rig({{"oncall", &hanging}});
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(hanging.WaitForEntered(1));
  ASSERT_TRUE(rig.dispatcher.Submit(Make(2)).ok());
  ASSERT_TRUE(rig.dispatcher.Submit(Make(3)).ok());
  ASSERT_TRUE(rig.fs.Remove(PendingPath(Make(2))).ok());
  hanging.Open();
  ASSERT_TRUE(Eventually([&] { return rig.dispatcher.Stats("oncall").sent == 2; }));
  EXPECT_EQ(rig.dispatcher.Stats("oncall").dropped, 1u);
  std::vector<std::string> ids;
  for (const Notification& n : hanging.attempts()) ids.push_back(n.id);
  EXPECT_THAT(ids, ElementsAre(Make(1).id, Make(3).id));
  EXPECT_THAT(rig.observer.results(), ElementsAre("oncall:sent", "oncall:dropped", "oncall:sent"));
}

TEST(DispatcherTest, SubmitRefusesUnknownReceiversAndAnUnstartedDispatcher) {
  FakeNotifier slack;
  Rig rig({{"oncall", &slack}});
  EXPECT_FALSE(rig.dispatcher.Submit(Make(1)).ok());
  ASSERT_TRUE(rig.dispatcher.Start().ok());
  Status s = rig.dispatcher.Submit(Make(1, "nobody"));
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("nobody"));
}

}  // namespace dispatcher_test
}  // namespace memwatch::alerting
