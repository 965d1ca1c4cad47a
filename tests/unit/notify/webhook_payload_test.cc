#include "notify/webhook_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/time_format.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace webhook_payload_test {

using testing::ExpectGolden;
using testing::MixedNotification;
using testing::OomNotification;

const MessageOptions kOptions{"http://grafana.example/d/redis-memwatch"};

TEST(WebhookPayloadTest, GoldenOom) {
  ExpectGolden("webhook_oom.json", FormatWebhook(OomNotification(), kOptions));
}

TEST(WebhookPayloadTest, GoldenMixed) {
  ExpectGolden("webhook_mixed.json", FormatWebhook(MixedNotification(), kOptions));
}

// The fields docs/webhook.md promises for version 1.
TEST(WebhookPayloadTest, DocumentedFields) {
  const auto j = nlohmann::json::parse(FormatWebhook(MixedNotification(), {}));
  EXPECT_EQ(j["version"], "1");
  EXPECT_EQ(j["id"], "1714568400000-5eed0001-000042");
  EXPECT_EQ(j["status"], "firing");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["target"], "session-redis");
  EXPECT_EQ(j["receiver"], "oncall");
  EXPECT_EQ(j["test"], false);
  EXPECT_EQ(j["created_at"], "2024-05-01T13:00:00.000Z");
  EXPECT_TRUE(j["external_url"].is_null());
  ASSERT_EQ(j["alerts"].size(), 3u);
  const auto& high = j["alerts"][0];
  EXPECT_EQ(high["status"], "firing");
  EXPECT_EQ(high["check"], "memory_high");
  EXPECT_EQ(high["title"], "memory almost full");
  EXPECT_EQ(high["previous_severity"], "warning");
  EXPECT_EQ(high["started_at"], "2024-05-01T12:20:00.000Z");
  EXPECT_TRUE(high["resolved_at"].is_null());
  EXPECT_EQ(
      high["runbook_url"],
      "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#memory_high");
  EXPECT_EQ(j["alerts"][1]["repeat"], true);
  EXPECT_EQ(j["alerts"][2]["status"], "resolved");
  EXPECT_EQ(j["alerts"][2]["resolved_at"], "2024-05-01T13:00:00.000Z");
}

TEST(WebhookPayloadTest, AResolvedMovedIntoANewerNotificationKeepsItsEndTime) {
  alerting::Notification n = OomNotification();
  n.alerts[0].resolved = true;
  n.alerts[0].ended_at = n.created_at - std::chrono::seconds(20);
  const nlohmann::json j = nlohmann::json::parse(FormatWebhook(n, {}));
  EXPECT_EQ(j["alerts"][0]["resolved_at"], FormatRfc3339(n.created_at - std::chrono::seconds(20)));
}

TEST(WebhookPayloadTest, AllResolvedIsResolved) {
  alerting::Notification n = OomNotification();
  n.alerts[0].resolved = true;
  EXPECT_EQ(nlohmann::json::parse(FormatWebhook(n, {}))["status"], "resolved");
}

}  // namespace webhook_payload_test
}  // namespace memwatch::notify
