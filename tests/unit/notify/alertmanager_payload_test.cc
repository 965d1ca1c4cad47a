#include "notify/alertmanager_payload.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace alertmanager_payload_test {

using testing::ExpectGolden;
using testing::MixedNotification;
using testing::OomNotification;
using testing::Wall0;

const AlertmanagerOptions kOptions{{"http://grafana.example/d/redis-memwatch"}};
const WallTime kSendTime = Wall0() + std::chrono::hours(1) + std::chrono::seconds(2);

TEST(AlertmanagerPayloadTest, GoldenOom) {
  ExpectGolden("alertmanager_oom.json", FormatAlertmanager(OomNotification(), kSendTime, kOptions));
}

TEST(AlertmanagerPayloadTest, GoldenMixed) {
  ExpectGolden("alertmanager_mixed.json",
               FormatAlertmanager(MixedNotification(), kSendTime, kOptions));
}

TEST(AlertmanagerPayloadTest, LabelsAnnotationsAndTimes) {
  const auto j = nlohmann::json::parse(FormatAlertmanager(OomNotification(), kSendTime, kOptions));
  ASSERT_EQ(j.size(), 1u);
  const auto& a = j[0];
  EXPECT_EQ(a["labels"], (nlohmann::json{{"alertname", "RedisMemwatchOomRejections"},
                                         {"target", "coupon-redis"},
                                         {"check", "oom_rejections"},
                                         {"severity", "critical"}}));
  EXPECT_EQ(a["annotations"]["runbook_url"],
            "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#"
            "oom_rejections");
  EXPECT_THAT(a["annotations"]["description"].get<std::string>(),
              ::testing::HasSubstr("rejected writes: 42 in 5 s"));
  EXPECT_EQ(a["startsAt"], "2024-05-01T12:00:02.000Z");
  // Firing: endsAt in the future, so Alertmanager keeps it while we re-post.
  EXPECT_EQ(a["endsAt"], "2024-05-01T13:05:02.000Z");
  EXPECT_EQ(a["generatorURL"], "http://grafana.example/d/redis-memwatch");
}

TEST(AlertmanagerPayloadTest, SeverityChangeEndsTheOldSeverity) {
  const auto j =
      nlohmann::json::parse(FormatAlertmanager(MixedNotification(), kSendTime, kOptions));
  ASSERT_EQ(j.size(), 4u);  // ended warning + critical, fragmentation, resolved evicting
  EXPECT_EQ(j[0]["labels"]["alertname"], "RedisMemwatchMemoryHigh");
  EXPECT_EQ(j[0]["labels"]["severity"], "warning");
  EXPECT_EQ(j[0]["endsAt"], "2024-05-01T13:00:00.000Z");
  EXPECT_EQ(j[1]["labels"]["severity"], "critical");
  EXPECT_EQ(j[1]["endsAt"], "2024-05-01T13:05:02.000Z");
  EXPECT_EQ(j[3]["labels"]["check"], "evicting");
  EXPECT_EQ(j[3]["endsAt"], "2024-05-01T13:00:00.000Z");  // when it was seen to end
}

TEST(AlertmanagerPayloadTest, TestAlertsAreLabelled) {
  alerting::Notification n = OomNotification();
  n.test = true;
  EXPECT_EQ(nlohmann::json::parse(FormatAlertmanager(n, kSendTime, kOptions))[0]["labels"]["test"],
            "true");
}

}  // namespace alertmanager_payload_test
}  // namespace memwatch::notify
