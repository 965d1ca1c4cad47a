// Fuzzes what the alert dispatcher reads from an untrusted receiver: the
// Retry-After header (alerting/retry_after.h) and the response body that
// RetryPolicy classifies (Slack's "invalid_payload" and friends).
//
// Input layout: byte 0 picks the HTTP status, byte 1 the protocol and
// transport error; the rest is used both as the Retry-After value and as the
// body. Checked: delays are never negative and stay within 100 years (and
// within the policy's clamp for 429); a reason quotes the body only when it
// is a short [a-z_] error code.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "alerting/retry_after.h"
#include "alerting/retry_policy.h"

namespace {

using namespace memwatch::alerting;
using memwatch::Duration;
using memwatch::WallTime;

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "retry_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

constexpr int kStatuses[] = {0,   100, 200, 204, 301, 400, 401, 403, 404, 408,
                             410, 425, 429, 500, 502, 503, 250, 421, 450, 550};

// True iff finding `body` in a reason can only mean it was copied there:
// it has a character that no fixed reason text (nor `where`) contains.
bool Distinctive(std::string_view body) {
  if (body.size() < 8) return false;
  for (char c : body) {
    if (std::string_view("#&*+;<=>?[]^`{|}~").find(c) != std::string_view::npos ||
        static_cast<unsigned char>(c) >= 0x80) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);
  // A fixed "now" (2024-01-01T00:00:00Z) keeps runs reproducible.
  const WallTime now{std::chrono::seconds(1704067200)};
  constexpr Duration kHundredYears = std::chrono::hours(24 * 365 * 100);

  if (auto d = ParseRetryAfter(text, now)) {
    Require(d->count() >= 0 && *d <= kHundredYears, "Retry-After delay out of range");
  }
  (void)ParseHttpDate(text);

  DeliveryAttempt a;
  a.protocol = data[1] & 1 ? Protocol::kSmtp : Protocol::kHttp;
  a.transport = static_cast<TransportError>((data[1] >> 1) % 7);
  a.status = kStatuses[data[0] % (sizeof kStatuses / sizeof kStatuses[0])];
  a.body = std::string(text);
  a.retry_after = std::string(text);
  a.where = "fuzz receiver";
  RetryPolicy policy(RetryOptions{}, data[0]);
  const RetryDecision d = policy.Decide(a, 1 + data[1] % 40, std::chrono::hours(data[0] % 30), now);
  Require(d.delay.count() >= 0, "negative delay");
  if (d.kind == RetryDecision::Kind::kRetry) {
    const RetryOptions o;
    if (d.throttled) {
      // A Retry-After is honoured in full: never above what it says (or 100 years).
      Require(d.delay >= o.min_retry_after, "throttled delay below the clamp");
      Require(d.delay <= std::max(kHundredYears, o.default_retry_after),
              "throttled delay too long");
    } else {
      Require(d.delay <= o.max_backoff, "backoff above its cap");
    }
  }
  // The body might echo our request (a token): it may appear in a reason
  // only as a short error code. Text that our own wording contains anyway
  // (the same decision for an empty body) is not a quote.
  if (Distinctive(text) && d.reason.find(text) != std::string::npos) {
    DeliveryAttempt without_body = a;
    without_body.body.clear();
    RetryPolicy reference(RetryOptions{}, data[0]);
    const RetryDecision r =
        reference.Decide(without_body, 1 + data[1] % 40, std::chrono::hours(data[0] % 30), now);
    Require(r.reason.find(text) != std::string::npos, "a reason quotes the response body");
  }
  return 0;
}
