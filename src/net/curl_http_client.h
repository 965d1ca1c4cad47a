// HttpClient on libcurl easy handles: one handle per request (thread-safe
// without locks; the TLS handshake it repeats costs ~100 ms, well inside
// the one-second budget), every request bounded by CURLOPT_TIMEOUT_MS,
// CURLOPT_NOSIGNAL set, only http/https allowed, redirects not followed.
// Proxies come from the usual environment variables (https_proxy,
// no_proxy), as for curl(1).
#pragma once

#include "net/http_client.h"

namespace memwatch::net {

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();
  HttpResponse Post(const Secret& url, const std::vector<HttpHeader>& headers,
                    std::string_view body, Duration timeout) override;
};

}  // namespace memwatch::net
