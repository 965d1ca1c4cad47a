// What one delivery attempt produced, in terms the retry policy can judge
// without knowing HTTP or SMTP libraries. Notifiers fill it in; every text
// in it is safe to log (no URL path, token, header value or password).
#pragma once

#include <string>

namespace memwatch::alerting {

enum class Protocol { kHttp, kSmtp };

// Why no reply came back. kNone means `status` holds the server's answer.
enum class TransportError {
  kNone,
  kTimeout,     // the attempt's deadline passed
  kConnect,     // DNS, refused, unreachable, reset
  kTls,         // handshake or certificate verification failed
  kAuth,        // the server refused our credentials (SMTP AUTH)
  kBadRequest,  // the request could not be built (bad URL, protocol not allowed)
  kOther,
};

struct DeliveryAttempt {
  Protocol protocol = Protocol::kHttp;
  TransportError transport = TransportError::kNone;
  int status = 0;           // HTTP status or last SMTP reply code; 0 when none
  std::string body;         // start of the HTTP response body (untrusted)
  std::string retry_after;  // raw Retry-After header; "" when absent (untrusted)
  // The receiver and a redacted endpoint, for messages:
  // "slack receiver oncall (https://hooks.slack.com/…)".
  std::string where;
  std::string error;  // what the transport said when transport != kNone
};

}  // namespace memwatch::alerting
