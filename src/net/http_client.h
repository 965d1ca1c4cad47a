// The HTTP seam: the one call notifiers make. CurlHttpClient is the real
// one; tests use fakes that record requests and play scripted responses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/secret.h"
#include "net/net_error.h"

namespace memwatch::net {

// Header values are secrets: "Authorization: Bearer ..." must never be logged.
struct HttpHeader {
  std::string name;
  Secret value;
};

struct HttpResponse {
  int status = 0;           // 0 when error != kNone
  std::string body;         // the first kMaxResponseBody bytes
  std::string retry_after;  // the raw Retry-After header, "" if absent
  NetError error = NetError::kNone;
  // What went wrong when error != kNone. Never contains the URL's path or
  // query, a header value or a password.
  std::string error_message;
};

inline constexpr size_t kMaxResponseBody = size_t{64} * 1024;

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // POSTs `body` to `url` (http or https only; redirects are not followed)
  // and returns the response, or the error that prevented one, within
  // `timeout` (connect, TLS and transfer together). Thread-safe; never throws.
  virtual HttpResponse Post(const Secret& url, const std::vector<HttpHeader>& headers,
                            std::string_view body, Duration timeout) = 0;
};

}  // namespace memwatch::net
