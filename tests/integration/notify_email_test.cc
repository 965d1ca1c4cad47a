// The email notifier over libcurl SMTP against a real aiosmtpd receiver on
// loopback: plain, and STARTTLS + AUTH with a certificate made at test time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "alerting/dispatcher.h"
#include "alerting/posix_file_system.h"
#include "alerting/retry_policy.h"
#include "harness/smtp_receiver.h"
#include "net/curl_smtp_client.h"
#include "notify/email_notifier.h"

namespace memwatch {
namespace notify_email_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PollUntil;
using testing::ScopedTempDir;
using testing::SmtpReceiver;
using namespace std::chrono_literals;

alerting::Notification Sample() {
  alerting::Notification n;
  n.id = "1714564800000-00000007-000002";
  n.target = "coupon-redis";
  n.receiver = "ops-mail";
  n.created_at = SystemClock().WallNow();
  n.alerts.push_back({.check = "oom_rejections",
                      .severity = Severity::kCritical,
                      .summary = "Redis rejected 42 writes with OOM.",
                      .evidence = {{"rejected writes", "42"}},
                      .fix = "redis-cli CONFIG SET maxmemory 2gb",
                      .started_at = n.created_at});
  return n;
}

alerting::EmailSettings Settings(const SmtpReceiver& smtp, alerting::SmtpTls tls) {
  alerting::EmailSettings s;
  s.host = "127.0.0.1";
  s.port = smtp.port();
  s.tls = tls;
  s.ca_file = smtp.cert_file();
  s.from = "redis-memwatch@example.com";
  s.to = {"ops@example.com", "dba@example.com"};
  return s;
}

void ExpectTheOomEmail(const SmtpReceiver::Message& m) {
  EXPECT_EQ(m.mail_from, "redis-memwatch@example.com");
  EXPECT_THAT(m.rcpt_tos, ElementsAre("ops@example.com", "dba@example.com"));
  EXPECT_THAT(m.data, HasSubstr("Subject: [CRITICAL] coupon-redis: writes rejected (OOM)\r\n"));
  EXPECT_THAT(m.data, HasSubstr("Content-Type: multipart/alternative;"));
  EXPECT_THAT(m.data, HasSubstr("Content-Type: text/plain; charset=utf-8"));
  EXPECT_THAT(m.data, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(m.data,
              HasSubstr("Message-ID: <1714564800000-00000007-000002.redis-memwatch@example.com>"));
}

TEST(NotifyEmailTest, PlainSmtpDeliversAMultipartMessage) {
  SmtpReceiver smtp;
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  net::CurlSmtpClient client;
  notify::EmailNotifier mail("ops-mail", Settings(smtp, alerting::SmtpTls::kNone), {}, &client,
                             10s);
  const alerting::Classification c = alerting::Classify(mail.Deliver(Sample()));
  EXPECT_EQ(c.verdict, alerting::Verdict::kDelivered) << c.reason;
  ASSERT_TRUE(smtp.WaitForMessages(1));
  ExpectTheOomEmail(smtp.Messages()[0]);
}

TEST(NotifyEmailTest, StartTlsWithAuthDelivers) {
  SmtpReceiver smtp({.starttls = true, .user = "alerts", .password = "correct-horse"});
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  alerting::EmailSettings s = Settings(smtp, alerting::SmtpTls::kStartTls);
  s.username = "alerts";
  s.password = Secret("correct-horse");
  net::CurlSmtpClient client;
  notify::EmailNotifier mail("ops-mail", s, {}, &client, 10s);
  const alerting::Classification c = alerting::Classify(mail.Deliver(Sample()));
  EXPECT_EQ(c.verdict, alerting::Verdict::kDelivered) << c.reason;
  ASSERT_TRUE(smtp.WaitForMessages(1));
  ExpectTheOomEmail(smtp.Messages()[0]);
}

TEST(NotifyEmailTest, AWrongPasswordIsAClearPermanentErrorWithoutThePassword) {
  SmtpReceiver smtp({.starttls = true, .user = "alerts", .password = "correct-horse"});
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  alerting::EmailSettings s = Settings(smtp, alerting::SmtpTls::kStartTls);
  s.username = "alerts";
  s.password = Secret("wrong-pony-Xyz");
  net::CurlSmtpClient client;
  notify::EmailNotifier mail("ops-mail", s, {}, &client, 10s);
  const auto start = std::chrono::steady_clock::now();
  const alerting::Classification c = alerting::Classify(mail.Deliver(Sample()));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "a refused login must not hang";
  EXPECT_EQ(c.verdict, alerting::Verdict::kPermanent);
  EXPECT_THAT(c.reason, HasSubstr("email receiver ops-mail (127.0.0.1:"));
  EXPECT_THAT(c.reason, HasSubstr("refused the login of user 'alerts'"));
  EXPECT_THAT(c.reason, Not(HasSubstr("wrong-pony")));
  EXPECT_TRUE(smtp.Messages().empty());
}

TEST(NotifyEmailTest, StartTlsIsNeverSilentlySkipped) {
  SmtpReceiver smtp;  // plain server: offers no STARTTLS
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  net::CurlSmtpClient client;
  notify::EmailNotifier mail("ops-mail", Settings(smtp, alerting::SmtpTls::kStartTls), {}, &client,
                             10s);
  const alerting::Classification c = alerting::Classify(mail.Deliver(Sample()));
  EXPECT_NE(c.verdict, alerting::Verdict::kDelivered);
  EXPECT_THAT(c.reason, HasSubstr("TLS"));
  EXPECT_TRUE(smtp.Messages().empty());
}

TEST(NotifyEmailTest, ThroughTheDispatcherAndOutbox) {
  SmtpReceiver smtp;
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  ScopedTempDir state;
  alerting::PosixFileSystem fs;
  alerting::Outbox outbox(&fs, {state.path()});
  net::CurlSmtpClient client;
  notify::EmailNotifier mail("ops-mail", Settings(smtp, alerting::SmtpTls::kNone), {}, &client,
                             10s);
  SystemClock clock;
  alerting::CondVarSleeper sleeper;
  alerting::NullDispatchObserver observer;
  alerting::Dispatcher dispatcher(&outbox, {{"ops-mail", &mail}}, &clock, &sleeper, &observer);
  ASSERT_TRUE(dispatcher.Start().ok());
  ASSERT_TRUE(dispatcher.Submit(Sample()).ok());
  ASSERT_TRUE(PollUntil([&] { return dispatcher.Stats("ops-mail").sent == 1; }));
  ASSERT_TRUE(smtp.WaitForMessages(1));
  ExpectTheOomEmail(smtp.Messages()[0]);
}

}  // namespace notify_email_test
}  // namespace memwatch
