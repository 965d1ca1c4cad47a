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

}  // namespace notification_metrics_test
}  // namespace memwatch::metrics
