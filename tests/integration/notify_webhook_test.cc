// Webhook and Alertmanager notifiers over a real HTTP receiver on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/retry_policy.h"
#include "harness/http_receiver.h"
#include "net/curl_http_client.h"
#include "notify/alertmanager_notifier.h"
#include "notify/webhook_notifier.h"

namespace memwatch {
namespace notify_webhook_test {

using testing::ClosedLoopbackPort;
using ::testing::HasSubstr;
using testing::HttpReceiver;
using ::testing::Not;
using ::testing::SizeIs;
using namespace std::chrono_literals;

alerting::Notification Sample() {
  alerting::Notification n;
  n.id = "1714564800000-00000007-000001";
  n.target = "coupon-redis";
  n.receiver = "pager";
  n.created_at = SystemClock().WallNow();
  n.alerts.push_back({.check = "oom_rejections",
                      .severity = Severity::kCritical,
                      .summary = "Redis rejected 42 writes with OOM.",
                      .evidence = {{"rejected writes", "42"}},
                      .fix = "redis-cli CONFIG SET maxmemory 2gb",
                      .started_at = n.created_at});
  return n;
}

TEST(NotifyWebhookTest, PostsTheVersionedBodyWithHeadersAndIdempotencyKey) {
  HttpReceiver hook;
  ASSERT_GT(hook.port(), 0) << hook.error();
  net::CurlHttpClient http;
  notify::WebhookNotifier notifier(
      "pager", {Secret(hook.Url("/redis?token=abc")), {{"Authorization", Secret("Bearer tok-1")}}},
      {}, &http, 5s);
  const alerting::DeliveryAttempt a = notifier.Deliver(Sample());
  EXPECT_EQ(alerting::Classify(a).verdict, alerting::Verdict::kDelivered);
  const auto requests = hook.Requests();
  ASSERT_THAT(requests, SizeIs(1));
  EXPECT_EQ(requests[0].path, "/redis?token=abc");
  EXPECT_EQ(requests[0].headers.at("Authorization"), "Bearer tok-1");
  EXPECT_EQ(requests[0].headers.at("Idempotency-Key"), Sample().id);
  EXPECT_THAT(requests[0].headers.at("User-Agent"), HasSubstr("redis-memwatch/"));
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["version"], "1");
  EXPECT_EQ(body["alerts"][0]["check"], "oom_rejections");
}

TEST(NotifyWebhookTest, AlertmanagerDeliversDespiteADeadPeer) {
  HttpReceiver am;
  ASSERT_GT(am.port(), 0) << am.error();
  net::CurlHttpClient http;
  SystemClock clock;
  const std::string dead = "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort());
  notify::AlertmanagerNotifier notifier("am", {{Secret(dead), Secret(am.Url("/"))}}, {}, &http,
                                        &clock, 2s);
  EXPECT_EQ(alerting::Classify(notifier.Deliver(Sample())).verdict, alerting::Verdict::kDelivered);
  const auto requests = am.Requests();
  ASSERT_THAT(requests, SizeIs(1));
  EXPECT_EQ(requests[0].path, "/api/v2/alerts");
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body[0]["labels"]["alertname"], "RedisMemwatchOomRejections");
}

TEST(NotifyWebhookTest, ConnectionErrorsAreRetryableAndNeverShowTheSecretPath) {
  net::CurlHttpClient http;
  const std::string url =
      "http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/services/T/B/SECRETPATH";
  notify::WebhookNotifier notifier("pager", {Secret(url), {}}, {}, &http, 2s);
  const alerting::Classification c = alerting::Classify(notifier.Deliver(Sample()));
  EXPECT_EQ(c.verdict, alerting::Verdict::kTransient);
  EXPECT_THAT(c.reason, HasSubstr("webhook receiver pager (http://127.0.0.1:"));
  EXPECT_THAT(c.reason, HasSubstr("cannot connect"));
  EXPECT_THAT(c.reason, Not(HasSubstr("SECRETPATH")));
}

}  // namespace notify_webhook_test
}  // namespace memwatch
