#include "notify/test_alert.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/notify/fake_clients.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace test_alert_test {

using testing::FakeHttpClient;
using testing::FakeSmtpClient;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Status;

TEST(TestAlertTest, TheNotificationIsClearlyMarked) {
  alerting::ReceiverConfig r{.name = "ops-mail",
                             .min_severity = Severity::kCritical,
                             .settings = alerting::EmailSettings{}};
  const alerting::Notification n = MakeTestNotification(r, testing::Wall0(), 3);
  EXPECT_TRUE(n.test);
  EXPECT_EQ(n.id, "test-1714564800000-3");
  EXPECT_EQ(n.receiver, "ops-mail");
  ASSERT_EQ(n.alerts.size(), 1u);
  EXPECT_EQ(n.alerts[0].check, "test_alert");
  EXPECT_EQ(n.alerts[0].severity, Severity::kCritical);
  EXPECT_THAT(n.alerts[0].summary, HasSubstr("Nothing is wrong"));
}

TEST(TestAlertTest, ReportsEachReceiver) {
  // Receivers run in parallel, so answers are keyed by receiver, not order:
  // every Slack post fails, every webhook post succeeds.
  class ByUrl : public net::HttpClient {
   public:
    net::HttpResponse Post(const Secret& url, const std::vector<net::HttpHeader>&, std::string_view,
                           Duration) override {
      if (url.Reveal().find("slack") != std::string::npos) return Status(404, "no_service");
      if (url.Reveal().find("busy") != std::string::npos) return Status(429, "", "30");
      return Status(200, "ok");
    }
  } http;
  FakeSmtpClient smtp;
  alerting::testing::FakeClock clock;
  alerting::AlertingConfig config;
  config.receivers = {
      {.name = "oncall",
       .settings = alerting::SlackSettings{Secret("https://hooks.slack.com/services/T/B/SECRET")}},
      {.name = "pager",
       .settings = alerting::WebhookSettings{Secret("https://hooks.example.com/x"), {}}},
      {.name = "busy",
       .settings = alerting::WebhookSettings{Secret("https://busy.example.com/x"), {}}},
      {.name = "ops-mail",
       .settings = alerting::EmailSettings{.host = "smtp", .from = "a@b", .to = {"c@d"}}},
  };
  const auto results = SendTestAlerts(config, {&http, &smtp, &clock}, testing::Wall0());
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].receiver, "oncall");
  EXPECT_FALSE(results[0].delivered);
  EXPECT_THAT(results[0].error, HasSubstr("HTTP 404 no_service"));
  EXPECT_THAT(results[0].error, Not(HasSubstr("SECRET")));
  EXPECT_TRUE(results[1].delivered);
  EXPECT_EQ(results[1].error, "");
  EXPECT_FALSE(results[2].delivered);
  EXPECT_THAT(results[2].error, HasSubstr("a real alert would be retried"));
  EXPECT_TRUE(results[3].delivered);
  ASSERT_EQ(smtp.messages().size(), 1u);
  EXPECT_THAT(smtp.messages()[0].data, HasSubstr("Subject: [TEST] redis-memwatch"));
}

}  // namespace test_alert_test
}  // namespace memwatch::notify
