// `receivers:`: every key of every type loaded, with its defaults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace receivers_test {

using std::chrono::hours;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::kTarget;
using testutil::Load;
using testutil::Receivers;
using testutil::TempDir;

using alerting::ReceiverType;

TEST(ReceiversTest, EveryKeyOfEveryType) {
  TempDir dir;
  dir.Write("smtp.pass", "mail-pass\n");
  dir.Write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string path = dir.Write("memwatch.yaml", R"(targets:
  - name: coupon-redis
    address: 127.0.0.1:6379
  - name: sessions
    address: 127.0.0.1:6380
receivers:
  - name: oncall
    type: slack
    webhook_url: ${SLACK_WEBHOOK_URL}
    min_severity: critical
    targets: [coupon-redis]
    checks: [oom_rejections, memory_high]
    repeat_interval: 1h
    send_resolved: false
    timeout: 5s
  - name: ops-mail
    type: email
    smtp: smtp.example.com:465
    tls: tls
    ca_file: ca.pem
    username: memwatch
    password_file: smtp.pass
    from: redis-memwatch@example.com
    to: [ops@example.com, dba@example.com]
  - name: pager
    type: webhook
    url: https://hooks.example.com/redis?token=${PAGER_TOKEN}
    headers: {Authorization: "Bearer ${PAGER_TOKEN}", X-Source: memwatch}
    min_severity: info
  - name: am
    type: alertmanager
    urls: [http://127.0.0.1:9093, "https://[::1]:9094/"]
)");
  const LoadResult r = LoadConfigFile(
      path, FakeEnv({{"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/xyz"},
                     {"PAGER_TOKEN", "tok"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const std::vector<alerting::ReceiverConfig>& rs = r.config->alerting.receivers;
  ASSERT_EQ(rs.size(), 4u);

  const alerting::ReceiverConfig& slack = rs[0];
  EXPECT_EQ(slack.name, "oncall");
  EXPECT_EQ(slack.type(), ReceiverType::kSlack);
  EXPECT_EQ(slack.line, 7);
  EXPECT_EQ(slack.min_severity, Severity::kCritical);
  EXPECT_THAT(slack.targets, ElementsAre("coupon-redis"));
  EXPECT_THAT(slack.checks, ElementsAre("oom_rejections", "memory_high"));
  EXPECT_EQ(slack.repeat_interval, hours(1));
  EXPECT_EQ(slack.send_resolved, false);
  EXPECT_EQ(slack.timeout, seconds(5));
  EXPECT_EQ(std::get<alerting::SlackSettings>(slack.settings).webhook_url,
            Secret("https://hooks.slack.com/services/T0/B0/xyz"));

  const alerting::ReceiverConfig& mail = rs[1];
  EXPECT_EQ(mail.name, "ops-mail");
  EXPECT_EQ(mail.type(), ReceiverType::kEmail);
  EXPECT_EQ(mail.line, 16);
  const auto& email = std::get<alerting::EmailSettings>(mail.settings);
  EXPECT_EQ(email.host, "smtp.example.com");
  EXPECT_EQ(email.port, 465);
  EXPECT_EQ(email.tls, alerting::SmtpTls::kTls);
  EXPECT_EQ(email.ca_file, dir.path() + "/ca.pem");
  EXPECT_EQ(email.username, "memwatch");
  EXPECT_EQ(email.password, Secret("mail-pass"));
  EXPECT_EQ(email.from, "redis-memwatch@example.com");
  EXPECT_THAT(email.to, ElementsAre("ops@example.com", "dba@example.com"));

  const alerting::ReceiverConfig& pager = rs[2];
  EXPECT_EQ(pager.type(), ReceiverType::kWebhook);
  EXPECT_EQ(pager.min_severity, Severity::kInfo);
  const auto& webhook = std::get<alerting::WebhookSettings>(pager.settings);
  EXPECT_EQ(webhook.url, Secret("https://hooks.example.com/redis?token=tok"));
  EXPECT_THAT(webhook.headers,
              ElementsAre(alerting::HeaderSetting{"Authorization", Secret("Bearer tok")},
                          alerting::HeaderSetting{"X-Source", Secret("memwatch")}));

  const alerting::ReceiverConfig& am = rs[3];
  EXPECT_EQ(am.type(), ReceiverType::kAlertmanager);
  EXPECT_THAT(std::get<alerting::AlertmanagerSettings>(am.settings).urls,
              ElementsAre(Secret("http://127.0.0.1:9093"), Secret("https://[::1]:9094/")));
}

TEST(ReceiversTest, DefaultsOfAReceiver) {
  const LoadResult r =
      Load(Receivers("  - name: oncall\n"
                     "    type: slack\n"
                     "    webhook_url: https://hooks.slack.com/services/T0/B0/xyz\n"
                     "  - name: ops-mail\n"
                     "    type: email\n"
                     "    smtp: mail.internal:25\n"
                     "    from: memwatch@example.com\n"
                     "    to: ops@example.com\n"));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ASSERT_EQ(r.config->alerting.receivers.size(), 2u);
  const alerting::ReceiverConfig& slack = r.config->alerting.receivers[0];
  EXPECT_EQ(slack.line, 5);
  EXPECT_EQ(slack.min_severity, Severity::kWarning);
  EXPECT_THAT(slack.targets, IsEmpty());
  EXPECT_THAT(slack.checks, IsEmpty());
  EXPECT_EQ(slack.repeat_interval, std::nullopt);
  EXPECT_EQ(slack.send_resolved, std::nullopt);
  EXPECT_EQ(slack.timeout, alerting::kDefaultReceiverTimeout);

  const auto& email = std::get<alerting::EmailSettings>(r.config->alerting.receivers[1].settings);
  EXPECT_EQ(email.tls, alerting::SmtpTls::kStartTls);
  EXPECT_EQ(email.port, 25);
  EXPECT_EQ(email.ca_file, "");
  EXPECT_EQ(email.username, "");
  EXPECT_TRUE(email.password.empty());
  EXPECT_THAT(email.to, ElementsAre("ops@example.com"));  // a single string is a list of one
}

TEST(ReceiversTest, NoReceiversMeansAlertingOff) {
  for (std::string_view tail : {"", "receivers:\n", "receivers: []\n"}) {
    const LoadResult r = Load(std::string(kTarget) + std::string(tail));
    ASSERT_TRUE(r.ok()) << tail << "\n" << AllErrors(r);
    EXPECT_THAT(r.config->alerting.receivers, IsEmpty()) << tail;
  }
}

TEST(ReceiversTest, VariablesInWebhookUrl) {
  const LoadResult r = Load(Receivers("  - name: oncall\n"
                                      "    type: slack\n"
                                      "    webhook_url: https://${HOOK_HOST}/services/${HOOK}\n"),
                            FakeEnv({{"HOOK_HOST", "hooks.slack.com"}, {"HOOK", "T0/B0/xyz"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(std::get<alerting::SlackSettings>(r.config->alerting.receivers[0].settings).webhook_url,
            Secret("https://hooks.slack.com/services/T0/B0/xyz"));
}

TEST(ReceiversTest, WebhookUrlFileIsFoundNextToTheConfig) {
  TempDir dir;
  dir.Write("slack.url", "https://hooks.slack.com/services/T0/B0/xyz\r\n\n");
  const LoadResult r = LoadConfigText(Receivers("  - name: oncall\n"
                                                "    type: slack\n"
                                                "    webhook_url_file: slack.url\n"),
                                      dir.path() + "/memwatch.yaml", FakeEnv());
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(std::get<alerting::SlackSettings>(r.config->alerting.receivers[0].settings).webhook_url,
            Secret("https://hooks.slack.com/services/T0/B0/xyz"));
}

TEST(ReceiversTest, PasswordFromTheEnvironmentAndIpv6Server) {
  const LoadResult r = Load(Receivers("  - name: ops-mail\n"
                                      "    type: email\n"
                                      "    smtp: \"[2001:db8::25]:587\"\n"
                                      "    username: memwatch\n"
                                      "    password: ${SMTP_PASSWORD}\n"
                                      "    from: memwatch@example.com\n"
                                      "    to: [ops@example.com]\n"),
                            FakeEnv({{"SMTP_PASSWORD", "s3cret"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const auto& email = std::get<alerting::EmailSettings>(r.config->alerting.receivers[0].settings);
  EXPECT_EQ(email.host, "2001:db8::25");
  EXPECT_EQ(email.port, 587);
  EXPECT_EQ(email.password, Secret("s3cret"));
}

TEST(ReceiversTest, PlainSmtpIsFineWithoutAPasswordOrOnLoopback) {
  const LoadResult r =
      Load(Receivers("  - name: relay\n"
                     "    type: email\n"
                     "    smtp: mail.internal:25\n"
                     "    tls: none\n"
                     "    from: memwatch@example.com\n"
                     "    to: ops@example.com\n"
                     "  - name: local\n"
                     "    type: email\n"
                     "    smtp: localhost:25\n"
                     "    tls: none\n"
                     "    username: u\n"
                     "    password: p\n"
                     "    from: memwatch@example.com\n"
                     "    to: ops@example.com\n"));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(std::get<alerting::EmailSettings>(r.config->alerting.receivers[1].settings).tls,
            alerting::SmtpTls::kNone);
}

TEST(ReceiversTest, SingleAlertmanagerUrl) {
  const LoadResult r =
      Load(Receivers("  - name: am\n"
                     "    type: alertmanager\n"
                     "    urls: http://127.0.0.1:9093\n"));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_THAT(
      std::get<alerting::AlertmanagerSettings>(r.config->alerting.receivers[0].settings).urls,
      ElementsAre(Secret("http://127.0.0.1:9093")));
}

}  // namespace receivers_test
}  // namespace memwatch::config
