// Whether and when to try a delivery again. Pure apart from the jitter
// source, which is a seeded RNG so tests replay exactly.
//
// The numbers (RetryOptions defaults):
//   2xx                              -> delivered
//   timeout, connect, TLS, 5xx, 408, 425, 4xx SMTP
//                                    -> retry after 1s, 2s, 4s ... capped at 5 min,
//                                       each with jitter (a random 50-100% of it);
//                                       permanent once the notification has
//                                       failed this way for 24 h
//   429                              -> retry after Retry-After (seconds or
//                                       HTTP-date), at least 1 s, never
//                                       shortened; 10 s when absent or
//                                       unparsable; never gives up
//   Slack's invalid_payload, no_service, invalid_token, channel_not_found,
//   other 4xx, 1xx/3xx, 5xx SMTP, refused credentials, malformed request
//                                    -> permanent
// While a critical alert waits for the receiver, a backoff is cut to 5 s
// (WaitBeforeRetry); a Retry-After never is.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "alerting/delivery_attempt.h"
#include "memwatch/clock.h"

namespace memwatch::alerting {

struct RetryOptions {
  Duration initial_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::minutes(5);
  Duration default_retry_after = std::chrono::seconds(10);
  Duration min_retry_after = std::chrono::seconds(1);
  Duration give_up_after = std::chrono::hours(24);
  // The longest backoff while a critical alert is pending for the receiver.
  Duration critical_retry_interval = std::chrono::seconds(5);
};

enum class Verdict { kDelivered, kTransient, kThrottled, kPermanent };

struct Classification {
  Verdict verdict = Verdict::kPermanent;
  std::string reason;  // "" when delivered; otherwise names where and what, safe to log
};

// Judges one attempt, ignoring how often it was tried.
Classification Classify(const DeliveryAttempt& attempt);

// The exponential backoff before retry number `failures` (1 = after the
// first failure), `jitter` in [0, 1] choosing within [50%, 100%] of it.
Duration BackoffDelay(int failures, double jitter, const RetryOptions& options);

struct RetryDecision {
  enum class Kind { kDelivered, kRetry, kPermanent };
  Kind kind = Kind::kPermanent;
  Duration delay{};        // kRetry: wait this long first
  bool throttled = false;  // kRetry because the receiver said 429
  std::string reason;      // "" when delivered
};

// How long to wait after the failed attempt `d` (kind kRetry) before trying
// the receiver again: d.delay, but at most critical_retry_interval while a
// critical alert is pending for it, unless the receiver asked for the wait
// itself (429 with or without Retry-After: never shortened).
Duration WaitBeforeRetry(const RetryDecision& d, bool critical_pending,
                         const RetryOptions& options);

class RetryPolicy {
 public:
  RetryPolicy(RetryOptions options, uint64_t seed);

  // `failures` counts failed attempts of this notification including this
  // one; `age` is how long ago its first attempt was; `now` is wall time,
  // used only to read a Retry-After HTTP-date.
  RetryDecision Decide(const DeliveryAttempt& attempt, int failures, Duration age, WallTime now);

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace memwatch::alerting
