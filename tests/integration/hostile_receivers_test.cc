// Receivers that misbehave on the wire, end to end through the built daemon:
// a webhook whose connections are reset before any answer, and an SMTP
// server that stalls after EHLO, each behind a FlakyProxy that turns into a
// plain forwarder once it has misbehaved enough. The notification waits in
// the outbox, is retried with backoff, arrives exactly once when the
// receiver recovers, and the target is polled on schedule meanwhile.
// (Hanging and slow receivers: notify_slack_test.cc; an Alertmanager that is
// down: alertmanager_test.cc.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/flaky_proxy.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"
#include "harness/smtp_receiver.h"

namespace memwatch::testing {
namespace hostile_receivers_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr char kTarget[] = "coupon-redis";
// Every wait for a delivery: the backoff before the 4th attempt is at most
// 1 + 2 + 4 s, so this is several times what either test needs.
const milliseconds kDeliveryDeadline = kSanitized ? seconds(40) : seconds(20);
// With `interval: 100ms`, the longest a successful poll may be overdue
// (generous: CI runs tests side by side on 2 cores). A receiver that held up
// polling would stall it for a whole attempt (the email test's 3 s timeout)
// or backoff (3.5 s before the 4th attempt).
constexpr double kMaxPollGapSeconds = kSanitized ? 2.5 : 2.0;

// Stock Redis (maxmemory 0, noeviction): warning findings at the first poll,
// so one notification for the one target.
std::string Config(const std::string& state_dir, int redis_port, const std::string& receiver) {
  return "listen: \"127.0.0.1:0\"\ninterval: 100ms\nstate_dir: " + state_dir +
         "\ntargets:\n  - name: " + kTarget +
         "\n    address: 127.0.0.1:" + std::to_string(redis_port) + "\nreceivers:\n" + receiver;
}

std::string Notifications(const std::string& receiver, const std::string& result) {
  return "redis_memwatch_notifications_total{receiver=\"" + receiver + "\",result=\"" + result +
         "\"}";
}

std::string QueueLength(const std::string& receiver) {
  return "redis_memwatch_notification_queue_length{receiver=\"" + receiver + "\"}";
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The longest the target went without a successful poll while a test
// waited, from the daemon's last-successful-poll timestamp read at each
// scrape: both how far it jumped since the previous scrape (a stall between
// two scrapes) and how old it was at this one (a stall still going on).
class PollGaps {
 public:
  void Sample(const std::string& metrics) {
    const std::optional<double> last = SeriesValue(
        metrics, std::string("redis_memwatch_last_successful_poll_timestamp_seconds{target=\"") +
                     kTarget + "\"}");
    if (!last) return;
    longest_ = std::max(longest_, WallSeconds() - *last);
    if (previous_) longest_ = std::max(longest_, *last - *previous_);
    previous_ = last;
    ++samples_;
  }
  double longest() const { return longest_; }
  int samples() const { return samples_; }

 private:
  std::optional<double> previous_;
  double longest_ = 0;
  int samples_ = 0;
};

// Scrapes `d` until `receiver` has sent at least one notification and holds
// none, feeding every scrape to `gaps`. Returns the last scrape, "" on
// timeout.
std::string WaitUntilDelivered(DaemonProcess& d, const std::string& receiver, PollGaps& gaps) {
  std::string metrics;
  const bool delivered = WaitFor(
      [&] {
        metrics = d.Metrics();
        gaps.Sample(metrics);
        return SeriesValue(metrics, Notifications(receiver, "sent")).value_or(0) >= 1.0 &&
               SeriesValue(metrics, QueueLength(receiver)) == 0.0;
      },
      kDeliveryDeadline);
  return delivered ? metrics : "";
}

TEST(HostileReceiversTest, ResetConnectionsAreRetriedAndDeliverOnce) {
  RedisServer redis;
  HttpReceiver hook;
  ASSERT_NE(hook.port(), 0) << hook.error();
  FlakyProxy proxy(hook.port(), FlakyProxy::Behaviour::kReset, /*misbehaving=*/3);
  ScopedTempDir state;
  DaemonProcess d(Config(state.path(), redis.Port(),
                         "  - name: hook\n    type: webhook\n    url: http://127.0.0.1:" +
                             std::to_string(proxy.Port()) + "/hook\n"));

  PollGaps gaps;
  const std::string metrics = WaitUntilDelivered(d, "hook", gaps);
  ASSERT_FALSE(metrics.empty()) << d.Log() << d.Metrics();

  // Three resets, then the request that got through.
  EXPECT_GE(proxy.Accepted(), 4);
  EXPECT_EQ(proxy.MisbehavedLifetimes().size(), 3u);
  EXPECT_GE(SeriesValue(metrics, Notifications("hook", "retried")), 3.0) << metrics;
  EXPECT_EQ(SeriesValue(metrics, Notifications("hook", "failed")), 0.0) << metrics;
  EXPECT_THAT(d.Log(), HasSubstr("Connection reset by peer"));

  // Exactly once: every notification id the receiver saw, once, and as
  // many as the daemon counted sent (the receiver logs a request before
  // it answers, so none is missing here).
  const std::vector<HttpReceiver::Request> requests = hook.Requests();
  std::map<std::string, int> delivered;
  for (const HttpReceiver::Request& r : requests) {
    EXPECT_EQ(r.status, 200);
    const Json body = Json::parse(r.body);
    EXPECT_EQ(body["target"], kTarget);
    ++delivered[body["id"].get<std::string>()];
  }
  ASSERT_FALSE(delivered.empty());
  for (const auto& [id, count] : delivered) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(SeriesValue(metrics, Notifications("hook", "sent")),
            static_cast<double>(requests.size()));

  // Polling went on through the resets and the backoff between them.
  RecordProperty("longest_poll_gap_ms", std::to_string(static_cast<int>(gaps.longest() * 1000)));
  EXPECT_GE(gaps.samples(), 10);
  EXPECT_LT(gaps.longest(), kMaxPollGapSeconds) << "polling stalled while retrying";
  EXPECT_EQ(SeriesValue(metrics, std::string("redis_up{target=\"") + kTarget + "\"}"), 1.0);
}

TEST(HostileReceiversTest, AnSmtpServerThatStallsAfterEhloTimesOutAndDeliversLater) {
  RedisServer redis;
  SmtpReceiver smtp;
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  FlakyProxy proxy(smtp.port(), FlakyProxy::Behaviour::kStallAfterEhlo, /*misbehaving=*/2);
  ScopedTempDir state;
  // Longer than kMaxPollGapSeconds: an attempt that held up polling would
  // show as a gap.
  constexpr milliseconds kTimeout = seconds(3);
  DaemonProcess d(Config(
      state.path(), redis.Port(),
      "  - name: mail\n    type: email\n    smtp: 127.0.0.1:" + std::to_string(proxy.Port()) +
          "\n    tls: none\n    timeout: " + std::to_string(kTimeout.count()) +
          "ms\n    from: redis-memwatch@example.com\n"
          "    to: [ops@example.com]\n"));

  PollGaps gaps;
  const std::string metrics = WaitUntilDelivered(d, "mail", gaps);
  ASSERT_FALSE(metrics.empty()) << d.Log() << d.Metrics();

  // Two stalled sessions, each cut by the receiver's timeout (curl's clock
  // starts just before the connect, so a little under it), then the
  // forwarded one that delivered.
  EXPECT_GE(proxy.Accepted(), 3);
  const std::vector<steady_clock::duration> stalls = proxy.MisbehavedLifetimes();
  EXPECT_EQ(stalls.size(), 2u);
  for (const steady_clock::duration stall : stalls) {
    EXPECT_GE(stall, kTimeout - milliseconds(250));
    EXPECT_LE(stall, kTimeout + (kSanitized ? seconds(2) : seconds(1)));
  }
  EXPECT_GE(SeriesValue(metrics, Notifications("mail", "retried")), 2.0) << metrics;
  EXPECT_EQ(SeriesValue(metrics, Notifications("mail", "failed")), 0.0) << metrics;
  EXPECT_THAT(d.Log(), HasSubstr("timed out"));

  // Exactly once: the server had accepted every message before the daemon
  // counted it sent; no Message-ID twice.
  ASSERT_TRUE(smtp.WaitForMessages(1)) << d.Log();
  const std::vector<SmtpReceiver::Message> messages = smtp.Messages();
  EXPECT_EQ(SeriesValue(metrics, Notifications("mail", "sent")),
            static_cast<double>(messages.size()));
  std::map<std::string, int> message_ids;
  for (const SmtpReceiver::Message& m : messages) {
    EXPECT_EQ(m.mail_from, "redis-memwatch@example.com");
    EXPECT_THAT(m.rcpt_tos, ElementsAre("ops@example.com"));
    EXPECT_THAT(m.data, HasSubstr(kTarget));
    const size_t at = m.data.find("Message-ID: ");
    ASSERT_NE(at, std::string::npos) << m.data;
    ++message_ids[m.data.substr(at, m.data.find('\r', at) - at)];
  }
  for (const auto& [id, count] : message_ids) EXPECT_EQ(count, 1) << id;

  // Polling went on through two attempts of kTimeout each.
  RecordProperty("longest_poll_gap_ms", std::to_string(static_cast<int>(gaps.longest() * 1000)));
  EXPECT_GE(gaps.samples(), 10);
  EXPECT_LT(gaps.longest(), kMaxPollGapSeconds) << "polling stalled while retrying";
  EXPECT_EQ(SeriesValue(metrics, std::string("redis_up{target=\"") + kTarget + "\"}"), 1.0);
}

}  // namespace hostile_receivers_test
}  // namespace memwatch::testing
