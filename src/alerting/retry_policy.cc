#include "alerting/retry_policy.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "alerting/retry_after.h"

namespace memwatch::alerting {
namespace {

// Slack incoming-webhook errors that no retry can fix.
constexpr std::array<std::string_view, 9> kSlackPermanent{
    "invalid_payload",   "no_service",          "invalid_token",
    "channel_not_found", "channel_is_archived", "action_prohibited",
    "no_team",           "team_disabled",       "posting_to_general_channel_denied"};

// The body is untrusted and might echo our request (tokens): quote it only
// when it is a short error code such as Slack's "invalid_payload".
std::string ErrorCode(std::string_view body) {
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r' || body.back() == ' ')) {
    body.remove_suffix(1);
  }
  if (body.empty() || body.size() > 64) return "";
  for (char c : body) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return "";
  }
  return std::string(body);
}

std::string_view TransportText(TransportError e) {
  switch (e) {
    case TransportError::kTimeout:
      return "timed out";
    case TransportError::kConnect:
      return "cannot connect";
    case TransportError::kTls:
      return "TLS failed";
    case TransportError::kAuth:
      return "credentials refused";
    case TransportError::kBadRequest:
      return "cannot build the request";
    case TransportError::kNone:
    case TransportError::kOther:
      break;
  }
  return "transport error";
}

Classification Make(Verdict v, const DeliveryAttempt& a, std::string what) {
  return {v, a.where.empty() ? what : fmt::format("{}: {}", a.where, what)};
}

Classification ClassifySmtp(const DeliveryAttempt& a) {
  const std::string what = a.error.empty() ? fmt::format("SMTP {}", a.status)
                                           : fmt::format("SMTP {}: {}", a.status, a.error);
  if (a.status >= 200 && a.status < 400) return {Verdict::kDelivered, ""};
  if (a.status >= 400 && a.status < 500) return Make(Verdict::kTransient, a, what);
  return Make(Verdict::kPermanent, a, what);
}

Classification ClassifyHttp(const DeliveryAttempt& a) {
  const int s = a.status;
  const std::string code = ErrorCode(a.body);
  const std::string what =
      code.empty() ? fmt::format("HTTP {}", s) : fmt::format("HTTP {} {}", s, code);
  if (s >= 200 && s < 300) return {Verdict::kDelivered, ""};
  if (s == 429) return Make(Verdict::kThrottled, a, what);
  if (std::find(kSlackPermanent.begin(), kSlackPermanent.end(), code) != kSlackPermanent.end()) {
    return Make(Verdict::kPermanent, a, what);
  }
  if (s >= 500 || s == 408 || s == 425) return Make(Verdict::kTransient, a, what);
  if (s >= 300 && s < 400)
    return Make(Verdict::kPermanent, a, what + " (redirects are not followed)");
  return Make(Verdict::kPermanent, a, what);
}

}  // namespace

Classification Classify(const DeliveryAttempt& a) {
  if (a.transport != TransportError::kNone) {
    const std::string what = a.error.empty()
                                 ? std::string(TransportText(a.transport))
                                 : fmt::format("{}: {}", TransportText(a.transport), a.error);
    const bool permanent =
        a.transport == TransportError::kAuth || a.transport == TransportError::kBadRequest;
    return Make(permanent ? Verdict::kPermanent : Verdict::kTransient, a, what);
  }
  return a.protocol == Protocol::kSmtp ? ClassifySmtp(a) : ClassifyHttp(a);
}

Duration BackoffDelay(int failures, double jitter, const RetryOptions& options) {
  const int doublings = std::clamp(failures - 1, 0, 30);
  const auto full =
      std::min<int64_t>(options.initial_backoff.count() << doublings, options.max_backoff.count());
  jitter = std::clamp(jitter, 0.0, 1.0);
  const int64_t half = full / 2;
  return Duration(half + static_cast<int64_t>(static_cast<double>(half) * jitter));
}

Duration WaitBeforeRetry(const RetryDecision& d, bool critical_pending,
                         const RetryOptions& options) {
  if (d.throttled || !critical_pending) return d.delay;
  return std::min(d.delay, options.critical_retry_interval);
}

RetryPolicy::RetryPolicy(RetryOptions options, uint64_t seed) : options_(options), rng_(seed) {}

RetryDecision RetryPolicy::Decide(const DeliveryAttempt& attempt, int failures, Duration age,
                                  WallTime now) {
  Classification c = Classify(attempt);
  switch (c.verdict) {
    case Verdict::kDelivered:
      return {RetryDecision::Kind::kDelivered, {}, false, ""};
    case Verdict::kThrottled: {
      Duration delay =
          ParseRetryAfter(attempt.retry_after, now).value_or(options_.default_retry_after);
      // Honoured in full, never shortened (the parser saturates at 100
      // years): a receiver that asks for an hour gets an hour, while newer
      // states keep superseding what waits (outbox.h).
      delay = std::max(delay, options_.min_retry_after);
      return {RetryDecision::Kind::kRetry, delay, true, std::move(c.reason)};
    }
    case Verdict::kTransient: {
      if (age >= options_.give_up_after) {
        return {RetryDecision::Kind::kPermanent,
                {},
                false,
                fmt::format("gave up after {} h of failures; last: {}",
                            std::chrono::duration_cast<std::chrono::hours>(age).count(), c.reason)};
      }
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      return {RetryDecision::Kind::kRetry, BackoffDelay(failures, unit(rng_), options_), false,
              std::move(c.reason)};
    }
    case Verdict::kPermanent:
      break;
  }
  return {RetryDecision::Kind::kPermanent, {}, false, std::move(c.reason)};
}

}  // namespace memwatch::alerting
