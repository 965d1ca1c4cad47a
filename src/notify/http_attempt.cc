#include "notify/http_attempt.h"

#include <fmt/format.h>

#include "net/url_redaction.h"

namespace memwatch::notify {

alerting::TransportError ToTransportError(net::NetError e) {
  using alerting::TransportError;
  switch (e) {
    case net::NetError::kNone:
      return TransportError::kNone;
    case net::NetError::kTimeout:
      return TransportError::kTimeout;
    case net::NetError::kConnect:
      return TransportError::kConnect;
    case net::NetError::kTls:
      return TransportError::kTls;
    case net::NetError::kAuth:
      return TransportError::kAuth;
    case net::NetError::kBadRequest:
      return TransportError::kBadRequest;
    case net::NetError::kOther:
      break;
  }
  return TransportError::kOther;
}

std::string Where(std::string_view type, std::string_view receiver, std::string_view url) {
  return fmt::format("{} receiver {} ({})", type, receiver, net::RedactUrl(url));
}

alerting::DeliveryAttempt ToAttempt(const net::HttpResponse& r, std::string where) {
  alerting::DeliveryAttempt a;
  a.protocol = alerting::Protocol::kHttp;
  a.transport = ToTransportError(r.error);
  a.status = r.status;
  a.body = r.body;
  a.retry_after = r.retry_after;
  a.where = std::move(where);
  a.error = r.error_message;
  return a;
}

}  // namespace memwatch::notify
