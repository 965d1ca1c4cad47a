#include "alerting/retry_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace retry_policy_test {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using testing::Http;
using ::testing::Not;
using testing::Transport;
using testing::Wall0;
using Kind = RetryDecision::Kind;

RetryDecision Decide(const DeliveryAttempt& a, int failures = 1, Duration age = Duration(0)) {
  RetryPolicy p(RetryOptions{}, 42);
  return p.Decide(a, failures, age, Wall0());
}

TEST(RetryPolicyTest, TwoHundredsAreDelivered) {
  EXPECT_EQ(Decide(Http(200, "ok")).kind, Kind::kDelivered);
  EXPECT_EQ(Decide(Http(202)).kind, Kind::kDelivered);
  EXPECT_EQ(Decide(Http(204)).kind, Kind::kDelivered);
}

TEST(RetryPolicyTest, TooManyRequestsWaitsRetryAfterSeconds) {
  RetryDecision d = Decide(Http(429, "rate_limited", "7"));
  EXPECT_EQ(d.kind, Kind::kRetry);
  EXPECT_TRUE(d.throttled);
  EXPECT_EQ(d.delay, seconds(7));
  EXPECT_THAT(d.reason, HasSubstr("HTTP 429 rate_limited"));
  EXPECT_THAT(d.reason, HasSubstr("slack receiver oncall"));
}

TEST(RetryPolicyTest, TooManyRequestsWithHttpDate) {
  RetryDecision d = Decide(Http(429, "", "Wed, 01 May 2024 12:02:00 GMT"));
  EXPECT_EQ(d.kind, Kind::kRetry);
  EXPECT_EQ(d.delay, minutes(2));
}

TEST(RetryPolicyTest, TooManyRequestsWithoutOrWithGarbageRetryAfterUsesTheDefault) {
  EXPECT_EQ(Decide(Http(429)).delay, seconds(10));
  EXPECT_EQ(Decide(Http(429, "", "tomorrow")).delay, seconds(10));
  EXPECT_EQ(Decide(Http(429, "", "-3")).delay, seconds(10));
}

TEST(RetryPolicyTest, RetryAfterIsClamped) {
  EXPECT_EQ(Decide(Http(429, "", "0")).delay, seconds(1));  // no hot loop
  EXPECT_EQ(Decide(Http(429, "", "Sun, 06 Nov 1994 08:49:37 GMT")).delay, seconds(1));
  // Never shortened: a day is a day.
  EXPECT_EQ(Decide(Http(429, "", "86400")).delay, std::chrono::hours(24));
}

TEST(RetryPolicyTest, TooManyRequestsIsNeverGivenUp) {
  RetryDecision d = Decide(Http(429, "", "5"), 10000, hours(24 * 30));
  EXPECT_EQ(d.kind, Kind::kRetry);
}

TEST(RetryPolicyTest, ServerErrorsBackOffExponentiallyWithJitter) {
  RetryPolicy p(RetryOptions{}, 42);
  Duration previous_max{0};
  for (int failures = 1; failures <= 12; ++failures) {
    const Duration full = std::min<Duration>(seconds(1) * (1 << (failures - 1)), minutes(5));
    RetryDecision d = p.Decide(Http(503), failures, Duration(0), Wall0());
    ASSERT_EQ(d.kind, Kind::kRetry);
    EXPECT_FALSE(d.throttled);
    EXPECT_GE(d.delay, full / 2) << failures;
    EXPECT_LE(d.delay, full) << failures;
    previous_max = full;
  }
  EXPECT_EQ(previous_max, minutes(5));
}

TEST(RetryPolicyTest, JitterIsReproducibleFromTheSeed) {
  RetryPolicy a(RetryOptions{}, 7), b(RetryOptions{}, 7), c(RetryOptions{}, 8);
  bool differs = false;
  for (int i = 1; i < 10; ++i) {
    const Duration da = a.Decide(Http(500), i, Duration(0), Wall0()).delay;
    EXPECT_EQ(da, b.Decide(Http(500), i, Duration(0), Wall0()).delay);
    differs |= da != c.Decide(Http(500), i, Duration(0), Wall0()).delay;
  }
  EXPECT_TRUE(differs);
}

TEST(RetryPolicyTest, BackoffBounds) {
  RetryOptions o;
  EXPECT_EQ(BackoffDelay(1, 0.0, o), Duration(500));
  EXPECT_EQ(BackoffDelay(1, 1.0, o), seconds(1));
  EXPECT_EQ(BackoffDelay(4, 1.0, o), seconds(8));
  EXPECT_EQ(BackoffDelay(1000, 1.0, o), minutes(5));
  EXPECT_EQ(BackoffDelay(-5, 1.0, o), seconds(1));
  EXPECT_EQ(BackoffDelay(3, 7.0, o), seconds(4));  // jitter clamped
}

TEST(RetryPolicyTest, TransportFailuresAreRetried) {
  for (TransportError e : {TransportError::kTimeout, TransportError::kConnect, TransportError::kTls,
                           TransportError::kOther}) {
    RetryDecision d = Decide(Transport(e, "Timeout was reached"));
    EXPECT_EQ(d.kind, Kind::kRetry);
    EXPECT_GE(d.delay, Duration(500));
  }
  EXPECT_THAT(Decide(Transport(TransportError::kTimeout, "after 10000 ms")).reason,
              HasSubstr("timed out: after 10000 ms"));
}

TEST(RetryPolicyTest, RetryableFailuresAreGivenUpAfterADay) {
  RetryDecision d = Decide(Http(502), 300, hours(24));
  EXPECT_EQ(d.kind, Kind::kPermanent);
  EXPECT_THAT(d.reason, HasSubstr("gave up after 24 h"));
  EXPECT_THAT(d.reason, HasSubstr("HTTP 502"));
  EXPECT_EQ(Decide(Http(502), 300, hours(23)).kind, Kind::kRetry);
}

TEST(RetryPolicyTest, OtherRetryableStatuses) {
  EXPECT_EQ(Decide(Http(408)).kind, Kind::kRetry);
  EXPECT_EQ(Decide(Http(425)).kind, Kind::kRetry);
  EXPECT_EQ(Decide(Http(500, "rollup_error")).kind, Kind::kRetry);
}

TEST(RetryPolicyTest, SlackPermanentErrors) {
  for (auto [status, body] : std::initializer_list<std::pair<int, const char*>>{
           {400, "invalid_payload"},
           {404, "no_service"},
           {403, "invalid_token"},
           {404, "channel_not_found"},
           {410, "channel_is_archived"},
       }) {
    RetryDecision d = Decide(Http(status, body));
    EXPECT_EQ(d.kind, Kind::kPermanent) << body;
    EXPECT_THAT(d.reason, HasSubstr(body));
  }
  // Even if Slack wrapped one in a 5xx, retrying cannot fix a bad token.
  EXPECT_EQ(Decide(Http(500, "invalid_token")).kind, Kind::kPermanent);
}

TEST(RetryPolicyTest, OtherClientErrorsArePermanent) {
  for (int status : {400, 401, 403, 404, 405, 413, 422}) {
    EXPECT_EQ(Decide(Http(status)).kind, Kind::kPermanent) << status;
  }
  RetryDecision redirect = Decide(Http(302));
  EXPECT_EQ(redirect.kind, Kind::kPermanent);
  EXPECT_THAT(redirect.reason, HasSubstr("redirects are not followed"));
  EXPECT_EQ(Decide(Http(101)).kind, Kind::kPermanent);
}

TEST(RetryPolicyTest, ResponseBodiesAreQuotedOnlyWhenTheyAreErrorCodes) {
  // A server echoing our request could leak a token into the logs.
  RetryDecision d = Decide(Http(400, "Authorization: Bearer s3cr3t was rejected"));
  EXPECT_EQ(d.kind, Kind::kPermanent);
  EXPECT_THAT(d.reason, Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(d.reason, HasSubstr("HTTP 400"));
}

TEST(RetryPolicyTest, RefusedCredentialsAndBadRequestsArePermanent) {
  EXPECT_EQ(Decide(Transport(TransportError::kAuth)).kind, Kind::kPermanent);
  EXPECT_EQ(Decide(Transport(TransportError::kBadRequest)).kind, Kind::kPermanent);
}

TEST(RetryPolicyTest, SmtpReplyCodes) {
  DeliveryAttempt a;
  a.protocol = Protocol::kSmtp;
  a.status = 250;
  EXPECT_EQ(Decide(a).kind, Kind::kDelivered);
  a.status = 451;
  EXPECT_EQ(Decide(a).kind, Kind::kRetry);
  a.status = 550;
  a.error = "RCPT failed: 550";
  RetryDecision d = Decide(a);
  EXPECT_EQ(d.kind, Kind::kPermanent);
  EXPECT_THAT(d.reason, HasSubstr("SMTP 550: RCPT failed"));
}

TEST(RetryPolicyTest, ACriticalPendingCutsABackoffButNeverARetryAfter) {
  const RetryOptions o;
  const RetryDecision backoff{Kind::kRetry, minutes(4), false, "HTTP 503"};
  EXPECT_EQ(WaitBeforeRetry(backoff, /*critical_pending=*/false, o), minutes(4));
  EXPECT_EQ(WaitBeforeRetry(backoff, /*critical_pending=*/true, o), seconds(5));
  const RetryDecision short_backoff{Kind::kRetry, seconds(2), false, "HTTP 503"};
  EXPECT_EQ(WaitBeforeRetry(short_backoff, true, o), seconds(2));
  const RetryDecision throttled{Kind::kRetry, seconds(10), true, "HTTP 429"};
  EXPECT_EQ(WaitBeforeRetry(throttled, true, o), seconds(10));
}

}  // namespace retry_policy_test
}  // namespace memwatch::alerting
