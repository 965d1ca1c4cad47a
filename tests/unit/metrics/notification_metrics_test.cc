// The alert-delivery families: every receiver exported from the start, the
// five results, queue length and a latency histogram, and nothing but the
// receiver's name as a label.
#include "metrics/notification_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "metrics/metrics_store.h"

namespace memwatch::metrics {
namespace notification_metrics_test {

using alerting::NotificationResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kT0 = 1714564800;  // Unix seconds

WallTime At(double unix_seconds) {
  return WallTime(
      std::chrono::duration_cast<WallTime::duration>(std::chrono::duration<double>(unix_seconds)));
}

// An event about notification `id`, `at_s` seconds after kT0.
alerting::NotificationEvent Event(std::string_view receiver, std::string_view id,
                                  NotificationResult result, double at_s = 0) {
  alerting::NotificationEvent e;
  e.receiver = receiver;
  e.id = id;
  e.result = result;
  e.at = At(kT0 + at_s);
  return e;
}

std::vector<std::string> RecentIds(const ReceiverNotificationStats& s) {
  std::vector<std::string> ids;
  for (const RecentNotification& r : s.recent) ids.push_back(r.id);
  return ids;
}

std::string Text(const MetricsStore& store) {
  std::ostringstream out;
  store.WriteText(out);
  return out.str();
}

TEST(NotificationMetricsTest, ConfiguredReceiversAreExportedAtZeroFromTheStart) {
  MetricsStore store("test");
  NotificationMetrics n;
  n.SetReceivers({"oncall"});
  store.SetNotificationMetrics(&n);
  const std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("# TYPE redis_memwatch_notifications_total counter"));
  for (const char* result : {"sent", "retried", "failed", "dropped", "superseded"}) {
    EXPECT_THAT(text, HasSubstr("redis_memwatch_notifications_total{receiver=\"oncall\",result=\"" +
                                std::string(result) + "\"} 0"));
  }
  EXPECT_THAT(text, HasSubstr("redis_memwatch_notification_queue_length{receiver=\"oncall\"} 0"));
  EXPECT_THAT(
      text, HasSubstr("redis_memwatch_notification_latency_seconds_count{receiver=\"oncall\"} 0"));
}

TEST(NotificationMetricsTest, CountsQueueAndLatency) {
  MetricsStore store("test");
  NotificationMetrics n;
  n.SetReceivers({"oncall"});
  store.SetNotificationMetrics(&n);
  n.OnNotification(Event("oncall", "n1", NotificationResult::kRetried));
  n.OnNotification(Event("oncall", "n1", NotificationResult::kSent));
  n.OnNotification(Event("oncall", "n2", NotificationResult::kSuperseded));
  n.OnNotification(Event("oncall", "n3", NotificationResult::kSuperseded));
  n.OnQueueLength("oncall", 3);
  n.OnDelivered("oncall", std::chrono::milliseconds(300));
  n.OnDelivered("oncall", std::chrono::minutes(10));
  const std::string text = Text(store);
  EXPECT_THAT(text, HasSubstr("{receiver=\"oncall\",result=\"sent\"} 1"));
  EXPECT_THAT(text, HasSubstr("{receiver=\"oncall\",result=\"retried\"} 1"));
  EXPECT_THAT(text, HasSubstr("{receiver=\"oncall\",result=\"superseded\"} 2"));
  EXPECT_THAT(text, HasSubstr("redis_memwatch_notification_queue_length{receiver=\"oncall\"} 3"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{receiver=\"oncall\",le=\"0.25\"} 0"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{receiver=\"oncall\",le=\"0.5\"} 1"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{receiver=\"oncall\",le=\"300\"} 1"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{receiver=\"oncall\",le=\"+Inf\"} 2"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{receiver=\"oncall\"} 2"));
}

TEST(NotificationMetricsTest, AReloadKeepsCountersOfReceiversThatStay) {
  NotificationMetrics n;
  n.SetReceivers({"a", "b"});
  n.OnNotification(Event("a", "n1", NotificationResult::kSent));
  n.OnNotification(Event("b", "n2", NotificationResult::kSent));
  n.SetReceivers({"a", "c"});
  std::vector<ReceiverNotificationStats> s = n.Snapshot();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].receiver, "a");
  EXPECT_EQ(s[0].sent, 1u);
  EXPECT_EQ(s[1].receiver, "c");
  EXPECT_EQ(s[1].sent, 0u);
}

TEST(NotificationMetricsTest, NoReceiversNoFamilies) {
  MetricsStore store("test");
  NotificationMetrics n;
  store.SetNotificationMetrics(&n);
  EXPECT_THAT(Text(store), Not(HasSubstr("notification")));
}

TEST(NotificationMetricsTest, KeepsTheLastTenNotificationsNewestFirst) {
  NotificationMetrics n;
  n.SetReceivers({"oncall", "other"});
  for (int i = 1; i <= 12; ++i) {
    n.OnNotification(Event("oncall", std::to_string(100 + i), NotificationResult::kSent, i));
  }
  n.OnNotification(Event("other", "x1", NotificationResult::kDropped));
  const std::vector<ReceiverNotificationStats> s = n.Snapshot();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_THAT(RecentIds(s[0]),
              ElementsAre("112", "111", "110", "109", "108", "107", "106", "105", "104", "103"));
  EXPECT_EQ(s[0].sent, 12u);  // the counters count all of them
  EXPECT_THAT(RecentIds(s[1]), ElementsAre("x1"));
}

TEST(NotificationMetricsTest, ARetriedNotificationThatIsSentIsUpdatedInPlace) {
  NotificationMetrics n;
  alerting::NotificationEvent retried = Event("oncall", "n1", NotificationResult::kRetried, 5);
  retried.target = "coupon-redis";
  retried.headline = "critical: oom_rejections";
  retried.firing = 1;
  retried.created_at = At(kT0);
  retried.attempts = 1;
  retried.reason = "HTTP 503";
  n.OnNotification(retried);
  ASSERT_EQ(n.Snapshot()[0].recent.size(), 1u);
  RecentNotification r = n.Snapshot()[0].recent[0];
  EXPECT_EQ(r.state, NotificationResult::kRetried);
  EXPECT_EQ(r.reason, "HTTP 503");
  EXPECT_EQ(r.latency_seconds, std::nullopt);

  n.OnNotification(Event("oncall", "n2", NotificationResult::kDropped, 6));
  alerting::NotificationEvent sent = retried;
  sent.result = NotificationResult::kSent;
  sent.at = At(kT0 + 12);
  sent.attempts = 2;
  sent.reason = "";
  n.OnNotification(sent);

  const ReceiverNotificationStats s = n.Snapshot()[0];
  EXPECT_THAT(RecentIds(s), ElementsAre("n1", "n2"));  // one entry, updated, to the front
  r = s.recent[0];
  EXPECT_EQ(r.state, NotificationResult::kSent);
  EXPECT_EQ(r.target, "coupon-redis");
  EXPECT_EQ(r.headline, "critical: oom_rejections");
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(r.created_at, kT0);
  EXPECT_EQ(r.updated_at, kT0 + 12);
  EXPECT_EQ(r.latency_seconds, 12.0);
}

TEST(NotificationMetricsTest, AFinalStateStaysButLearnsWhatALateEventKnows) {
  NotificationMetrics n;
  alerting::NotificationEvent superseded =
      Event("oncall", "n1", NotificationResult::kSuperseded, 3);
  superseded.target = "coupon-redis";
  superseded.reason = "replaced before delivery by n2";
  n.OnNotification(superseded);
  n.OnNotification(Event("oncall", "n0", NotificationResult::kSent, 4));
  // The retry of the same attempt is reported after the supersede (Release).
  alerting::NotificationEvent retried = Event("oncall", "n1", NotificationResult::kRetried, 3);
  retried.headline = "warning: memory_high";
  retried.attempts = 1;
  retried.reason = "HTTP 500";
  n.OnNotification(retried);

  const ReceiverNotificationStats s = n.Snapshot()[0];
  EXPECT_THAT(RecentIds(s), ElementsAre("n0", "n1"));  // not moved
  const RecentNotification& r = s.recent[1];
  EXPECT_EQ(r.state, NotificationResult::kSuperseded);
  EXPECT_EQ(r.reason, "replaced before delivery by n2");
  EXPECT_EQ(r.headline, "warning: memory_high");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.updated_at, kT0 + 3);
}

TEST(NotificationMetricsTest, ADroppedNotificationKeepsTheTargetAnEarlierEventGave) {
  NotificationMetrics n;
  alerting::NotificationEvent retried = Event("oncall", "n1", NotificationResult::kRetried, 1);
  retried.target = "coupon-redis";
  retried.reason = "timeout";
  n.OnNotification(retried);
  alerting::NotificationEvent dropped = Event("oncall", "n1", NotificationResult::kDropped, 2);
  dropped.reason = "queue full";
  n.OnNotification(dropped);
  const RecentNotification r = n.Snapshot()[0].recent.at(0);
  EXPECT_EQ(r.state, NotificationResult::kDropped);
  EXPECT_EQ(r.target, "coupon-redis");
  EXPECT_EQ(r.reason, "queue full");
  EXPECT_EQ(n.Snapshot()[0].dropped, 1u);
  EXPECT_EQ(n.Snapshot()[0].retried, 1u);
}

}  // namespace notification_metrics_test
}  // namespace memwatch::metrics
