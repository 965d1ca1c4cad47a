#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/retry_policy.h"
#include "notify/alertmanager_notifier.h"
#include "notify/email_notifier.h"
#include "notify/notifier_factory.h"
#include "notify/slack_message.h"
#include "notify/slack_notifier.h"
#include "notify/webhook_notifier.h"
#include "unit/notify/fake_clients.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace notifiers_test {

using alerting::TransportError;
using alerting::Verdict;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::Failure;
using testing::FakeHttpClient;
using testing::FakeSmtpClient;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::OomNotification;
using ::testing::Pair;
using testing::Status;

constexpr const char* kSlackUrl = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";
const MessageOptions kOptions{"http://grafana.example/d/redis-memwatch"};

TEST(SlackNotifierTest, PostsTheFormattedMessage) {
  FakeHttpClient http;
  SlackNotifier slack("oncall", Secret(kSlackUrl), kOptions, &http, std::chrono::seconds(5));
  const alerting::DeliveryAttempt a = slack.Deliver(OomNotification());
  EXPECT_EQ(alerting::Classify(a).verdict, Verdict::kDelivered);
  ASSERT_EQ(http.posts().size(), 1u);
  const testing::RecordedPost p = http.posts()[0];
  EXPECT_EQ(p.url, kSlackUrl);
  EXPECT_EQ(p.body, FormatSlackMessage(OomNotification(), kOptions));
  EXPECT_EQ(p.timeout, std::chrono::seconds(5));
  EXPECT_THAT(p.headers, Contains(Pair("Content-Type", "application/json; charset=utf-8")));
}

TEST(SlackNotifierTest, ErrorsNameTheReceiverButNeverTheWebhookPath) {
  FakeHttpClient http({Status(404, "no_service"),
                       Failure(net::NetError::kTimeout, "Timeout was reached after 5000 ms")});
  SlackNotifier slack("oncall", Secret(kSlackUrl), kOptions, &http, std::chrono::seconds(5));
  for (int i = 0; i < 2; ++i) {
    const alerting::Classification c = alerting::Classify(slack.Deliver(OomNotification()));
    EXPECT_THAT(c.reason, HasSubstr("slack receiver oncall (https://hooks.slack.com/…)"));
    EXPECT_THAT(c.reason, Not(HasSubstr("SECRET")));
    EXPECT_THAT(c.reason, Not(HasSubstr("T000")));
  }
}

TEST(WebhookNotifierTest, SendsConfiguredHeadersAndAnIdempotencyKey) {
  FakeHttpClient http({Status(500)});
  alerting::WebhookSettings s{Secret("https://hooks.example.com/redis?token=abc123"),
                              {{"Authorization", Secret("Bearer pager-token-123")}}};
  WebhookNotifier hook("pager", s, kOptions, &http, std::chrono::seconds(3));
  const alerting::DeliveryAttempt a = hook.Deliver(OomNotification());
  EXPECT_EQ(alerting::Classify(a).verdict, Verdict::kTransient);
  EXPECT_EQ(a.where, "webhook receiver pager (https://hooks.example.com/…)");
  const testing::RecordedPost p = http.posts()[0];
  EXPECT_THAT(p.headers, Contains(Pair("Authorization", "Bearer pager-token-123")));
  EXPECT_THAT(p.headers, Contains(Pair("Idempotency-Key", OomNotification().id)));
  EXPECT_EQ(nlohmann::json::parse(p.body)["version"], "1");
}

TEST(AlertmanagerNotifierTest, ADeadPeerDoesNotStopDelivery) {
  FakeHttpClient http(
      {Failure(net::NetError::kConnect, "Couldn't connect to server"), Status(200)});
  alerting::testing::FakeClock clock;
  alerting::AlertmanagerSettings s{{Secret("http://am-1:9093/"), Secret("http://am-2:9093")}};
  AlertmanagerNotifier am("am", s, {kOptions}, &http, &clock, std::chrono::seconds(2));
  EXPECT_EQ(alerting::Classify(am.Deliver(OomNotification())).verdict, Verdict::kDelivered);
  std::vector<std::string> urls;
  for (const auto& p : http.posts()) urls.push_back(p.url);
  EXPECT_THAT(urls,
              ElementsAre("http://am-1:9093/api/v2/alerts", "http://am-2:9093/api/v2/alerts"));
  const auto body = nlohmann::json::parse(http.posts()[1].body);
  EXPECT_EQ(body[0]["endsAt"], "2024-05-01T12:05:00.000Z");  // the clock's now + 5 min
}

// Peers gossip silences and the notification log, not alerts: each must
// hold the alert for the cluster to de-duplicate and to survive a peer.
TEST(AlertmanagerNotifierTest, PostsToEveryPeerEvenAfterOneAccepted) {
  FakeHttpClient http({Status(200), Status(200)});
  alerting::testing::FakeClock clock;
  alerting::AlertmanagerSettings s{{Secret("http://am-1:9093"), Secret("http://am-2:9093")}};
  AlertmanagerNotifier am("am", s, {kOptions}, &http, &clock, std::chrono::seconds(2));
  EXPECT_EQ(alerting::Classify(am.Deliver(OomNotification())).verdict, Verdict::kDelivered);
  ASSERT_EQ(http.posts().size(), 2u);
  EXPECT_EQ(http.posts()[1].url, "http://am-2:9093/api/v2/alerts");
}

TEST(AlertmanagerNotifierTest, PrefersARetryableFailureOverAPermanentOne) {
  FakeHttpClient http({Status(503), Status(400, "bad")});
  alerting::testing::FakeClock clock;
  alerting::AlertmanagerSettings s{{Secret("http://am-1:9093"), Secret("http://am-2:9093")}};
  AlertmanagerNotifier am("am", s, {kOptions}, &http, &clock, std::chrono::seconds(2));
  const alerting::Classification c = alerting::Classify(am.Deliver(OomNotification()));
  EXPECT_EQ(c.verdict, Verdict::kTransient);
  EXPECT_THAT(c.reason, HasSubstr("am-1"));

  FakeHttpClient http2({Status(400), Status(422)});
  AlertmanagerNotifier am2("am", s, {kOptions}, &http2, &clock, std::chrono::seconds(2));
  EXPECT_EQ(alerting::Classify(am2.Deliver(OomNotification())).verdict, Verdict::kPermanent);
}

alerting::EmailSettings MailSettings() {
  alerting::EmailSettings s;
  s.host = "smtp.example.com";
  s.port = 587;
  s.tls = alerting::SmtpTls::kStartTls;
  s.username = "alerts";
  s.password = Secret("hunter2-smtp");
  s.from = "alerts@example.com";
  s.to = {"ops@example.com"};
  return s;
}

TEST(EmailNotifierTest, SendsTheFormattedMessage) {
  FakeSmtpClient smtp;
  EmailNotifier mail("ops-mail", MailSettings(), kOptions, &smtp, std::chrono::seconds(10));
  EXPECT_EQ(alerting::Classify(mail.Deliver(OomNotification())).verdict, Verdict::kDelivered);
  ASSERT_EQ(smtp.messages().size(), 1u);
  EXPECT_EQ(smtp.messages()[0].from, "alerts@example.com");
  EXPECT_THAT(smtp.messages()[0].to, ElementsAre("ops@example.com"));
  EXPECT_THAT(smtp.messages()[0].data,
              HasSubstr("Subject: [CRITICAL] coupon-redis: writes rejected (OOM)"));
  const net::SmtpServer server = smtp.servers()[0];
  EXPECT_EQ(server.security, net::SmtpSecurity::kStartTls);
  EXPECT_EQ(server.password.Reveal(), "hunter2-smtp");
}

TEST(EmailNotifierTest, RefusedLoginIsPermanentAndSaysSoWithoutThePassword) {
  FakeSmtpClient smtp(
      {535, net::NetError::kAuth,
       "smtp://smtp.example.com:587 refused the login of user 'alerts' (reply 535)"});
  EmailNotifier mail("ops-mail", MailSettings(), kOptions, &smtp, std::chrono::seconds(10));
  const alerting::Classification c = alerting::Classify(mail.Deliver(OomNotification()));
  EXPECT_EQ(c.verdict, Verdict::kPermanent);
  EXPECT_THAT(c.reason, HasSubstr("email receiver ops-mail (smtp.example.com:587)"));
  EXPECT_THAT(c.reason, HasSubstr("credentials refused"));
  EXPECT_THAT(c.reason, Not(HasSubstr("hunter2")));
}

TEST(EmailNotifierTest, TemporarySmtpRepliesAreRetried) {
  FakeSmtpClient smtp({451, net::NetError::kNone, "RCPT failed: 451"});
  EmailNotifier mail("ops-mail", MailSettings(), kOptions, &smtp, std::chrono::seconds(10));
  EXPECT_EQ(alerting::Classify(mail.Deliver(OomNotification())).verdict, Verdict::kTransient);
}

TEST(NotifierFactoryTest, BuildsOnePerType) {
  FakeHttpClient http;
  FakeSmtpClient smtp;
  alerting::testing::FakeClock clock;
  alerting::AlertingConfig config;
  config.external_url = "http://grafana.example/d/redis-memwatch";
  config.receivers = {
      {.name = "oncall", .settings = alerting::SlackSettings{Secret(kSlackUrl)}},
      {.name = "ops-mail", .settings = MailSettings()},
      {.name = "pager",
       .settings = alerting::WebhookSettings{Secret("https://hooks.example.com/r"), {}}},
      {.name = "am", .settings = alerting::AlertmanagerSettings{{Secret("http://127.0.0.1:9093")}}},
  };
  const NotifierDeps deps{&http, &smtp, &clock};
  for (const alerting::ReceiverConfig& r : config.receivers) {
    auto n = MakeNotifier(r, config, deps);
    ASSERT_NE(n, nullptr);
    n->Deliver(OomNotification());
  }
  std::vector<std::string> urls;
  for (const auto& p : http.posts()) urls.push_back(p.url);
  EXPECT_THAT(urls, ElementsAre(kSlackUrl, "https://hooks.example.com/r",
                                "http://127.0.0.1:9093/api/v2/alerts"));
  EXPECT_EQ(smtp.messages().size(), 1u);
  EXPECT_THAT(http.posts()[0].body, HasSubstr("grafana.example"));
}

}  // namespace notifiers_test
}  // namespace memwatch::notify
