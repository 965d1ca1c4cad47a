// End to end against a real HTTP receiver on loopback: AlertState ->
// Dispatcher -> Outbox (PosixFileSystem) -> SlackNotifier -> CurlHttpClient.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "alerting/alert_state.h"
#include "alerting/dispatcher.h"
#include "alerting/posix_file_system.h"
#include "harness/http_receiver.h"
#include "net/curl_http_client.h"
#include "notify/slack_notifier.h"

namespace memwatch {
namespace notify_slack_test {

using alerting::Notification;
using ::testing::HasSubstr;
using testing::HttpReceiver;
using testing::PollUntil;
using testing::ScopedTempDir;
using ::testing::SizeIs;
using namespace std::chrono_literals;

size_t FilesIn(const std::string& dir) {
  if (!std::filesystem::exists(dir)) return 0;
  return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                           std::filesystem::directory_iterator{}));
}

// The OOM notification the state machine produces for a fresh finding.
Notification OomNotification() {
  alerting::AlertPolicy policy;
  policy.routes.push_back({.receiver = "oncall"});
  alerting::AlertState state(policy, 7);
  Finding f{"oom_rejections",
            Severity::kCritical,
            "Redis rejected 42 writes with OOM.",
            {{"rejected writes", "42"}},
            "redis-cli CONFIG SET maxmemory 2gb"};
  SystemClock clock;
  auto out = state.Evaluate("coupon-redis", {f}, clock.Now(), clock.WallNow());
  EXPECT_THAT(out, SizeIs(1));
  return out.at(0);
}

// The daemon's pipeline for one Slack receiver, with short backoffs.
struct Pipeline {
  explicit Pipeline(const std::string& url, Duration timeout = 5s)
      : slack("oncall", Secret(url), {"http://grafana.example/d/redis-memwatch"}, &http, timeout),
        dispatcher(&outbox, {{"oncall", &slack}}, &clock, &sleeper, &observer,
                   {.retry = {.initial_backoff = 100ms, .max_backoff = 1s}}) {
    EXPECT_TRUE(dispatcher.Start().ok());
  }
  std::string OutboxDir() const { return state.path() + "/outbox"; }
  std::string FailedDir() const { return state.path() + "/failed"; }

  ScopedTempDir state;
  alerting::PosixFileSystem fs;
  alerting::Outbox outbox{&fs, {state.path()}};
  net::CurlHttpClient http;
  notify::SlackNotifier slack;
  SystemClock clock;
  alerting::CondVarSleeper sleeper;
  alerting::NullDispatchObserver observer;
  alerting::Dispatcher dispatcher;
};

TEST(NotifySlackTest, ServerErrorThenSuccessDeliversExactlyOnce) {
  HttpReceiver slack({{.status = 500, .body = "internal_error"}, {.status = 200, .body = "ok"}});
  ASSERT_GT(slack.port(), 0) << slack.error();
  Pipeline p(slack.Url("/services/T000/B000/XXXX"));
  const Notification n = OomNotification();
  ASSERT_TRUE(p.dispatcher.Submit(n).ok());
  ASSERT_TRUE(PollUntil([&] { return p.dispatcher.Stats("oncall").sent == 1; }));
  p.dispatcher.Stop();  // no worker left that could send again

  const auto requests = slack.Requests();
  ASSERT_THAT(requests, SizeIs(2));
  EXPECT_EQ(requests[0].path, "/services/T000/B000/XXXX");
  EXPECT_EQ(requests[0].status, 500);
  EXPECT_EQ(requests[1].status, 200);
  EXPECT_EQ(requests[0].body, requests[1].body);
  const auto body = nlohmann::json::parse(requests[1].body);
  EXPECT_EQ(body["text"], "[CRITICAL] coupon-redis: writes rejected (OOM)");
  EXPECT_EQ(requests[1].headers.at("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(p.dispatcher.Stats("oncall").retried, 1u);
  EXPECT_EQ(FilesIn(p.OutboxDir()), 0u);
  EXPECT_EQ(FilesIn(p.FailedDir()), 0u);
}

TEST(NotifySlackTest, TooManyRequestsWaitsForRetryAfterThenDelivers) {
  HttpReceiver slack({{.status = 429, .body = "rate_limited", .retry_after = "1"}});
  ASSERT_GT(slack.port(), 0) << slack.error();
  Pipeline p(slack.Url());
  ASSERT_TRUE(p.dispatcher.Submit(OomNotification()).ok());
  ASSERT_TRUE(PollUntil([&] { return p.dispatcher.Stats("oncall").sent == 1; }));
  const auto requests = slack.Requests();
  ASSERT_THAT(requests, SizeIs(2));
  EXPECT_EQ(requests[0].status, 429);
  EXPECT_GE(requests[1].t - requests[0].t, 0.95) << "Retry-After: 1 was not honoured";
  EXPECT_LT(requests[1].t - requests[0].t, 3.0);
  EXPECT_EQ(FilesIn(p.OutboxDir()), 0u);
}

TEST(NotifySlackTest, InvalidPayloadIsKeptAsideAndNeverRetried) {
  HttpReceiver slack({{.status = 400, .body = "invalid_payload"}});
  ASSERT_GT(slack.port(), 0) << slack.error();
  Pipeline p(slack.Url("/services/T000/B000/SECRETPATH"));
  const Notification n = OomNotification();
  ASSERT_TRUE(p.dispatcher.Submit(n).ok());
  ASSERT_TRUE(PollUntil([&] { return p.dispatcher.Stats("oncall").failed == 1; }));
  p.dispatcher.Stop();
  EXPECT_THAT(slack.Requests(), SizeIs(1));
  EXPECT_EQ(FilesIn(p.OutboxDir()), 0u);
  const std::string failed = p.FailedDir() + "/" + n.id + ".json";
  ASSERT_TRUE(std::filesystem::exists(failed));
  std::ifstream in(failed);
  const auto j = nlohmann::json::parse(in);
  const std::string reason = j["failed_reason"];
  EXPECT_THAT(reason, HasSubstr("slack receiver oncall (http://127.0.0.1:"));
  EXPECT_THAT(reason, HasSubstr("HTTP 400 invalid_payload"));
  EXPECT_THAT(reason, ::testing::Not(HasSubstr("SECRETPATH")));
}

TEST(NotifySlackTest, ASlowReceiverTimesOutWithinItsTimeoutAndIsRetried) {
  HttpReceiver slack({{.status = 200, .delay_ms = 5000}});
  ASSERT_GT(slack.port(), 0) << slack.error();
  Pipeline p(slack.Url(), /*timeout=*/300ms);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.dispatcher.Submit(OomNotification()).ok());
  ASSERT_TRUE(PollUntil([&] { return p.dispatcher.Stats("oncall").sent == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(p.dispatcher.Stats("oncall").retried, 1u);
}

TEST(NotifySlackTest, ACriticalFindingReachesSlackWithinASecond) {
  HttpReceiver slack;
  ASSERT_GT(slack.port(), 0) << slack.error();
  Pipeline p(slack.Url());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.dispatcher.Submit(OomNotification()).ok());
  ASSERT_TRUE(slack.WaitForRequests(1));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace notify_slack_test
}  // namespace memwatch
