#include "net/curl_http_client.h"

#include <strings.h>

#include <algorithm>

#include <fmt/format.h>

#include "net/curl_easy.h"
#include "net/url_redaction.h"

namespace memwatch::net {
namespace {

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  // Keep the start, swallow the rest: a huge error page is not our problem.
  if (body->size() < kMaxResponseBody)
    body->append(data, std::min(n, kMaxResponseBody - body->size()));
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* retry_after = static_cast<std::string*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) retry_after->clear();  // a new response (after 1xx)
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    line.remove_prefix(kName.size());
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    *retry_after = std::string(line.substr(0, 256));
  }
  return n;
}

HttpResponse Refuse(NetError error, std::string message) {
  HttpResponse r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

bool IsHttpUrl(std::string_view url) {
  return (url.size() > 7 && strncasecmp(url.data(), "http://", 7) == 0) ||
         (url.size() > 8 && strncasecmp(url.data(), "https://", 8) == 0);
}

}  // namespace

CurlHttpClient::CurlHttpClient() { EnsureCurlGlobalInit(); }

HttpResponse CurlHttpClient::Post(const Secret& url, const std::vector<HttpHeader>& headers,
                                  std::string_view body, Duration timeout) {
  const std::string& plain_url = url.Reveal();
  if (!IsHttpUrl(plain_url) || HasLineBreak(plain_url)) {
    return Refuse(NetError::kBadRequest,
                  fmt::format("{} is not an http(s) URL", RedactUrl(plain_url)));
  }
  std::vector<std::string_view> secrets{plain_url};
  CurlSlist list;
  bool has_content_type = false;
  for (const HttpHeader& h : headers) {
    if (h.name.empty() || HasLineBreak(h.name) || h.name.find(':') != std::string::npos ||
        HasLineBreak(h.value.Reveal())) {
      return Refuse(NetError::kBadRequest, fmt::format("header '{}' has a line break or a bad name",
                                                       h.name.substr(0, 64)));
    }
    has_content_type |= strcasecmp(h.name.c_str(), "content-type") == 0;
    secrets.push_back(h.value.Reveal());
    if (!Append(list, h.name + ": " + h.value.Reveal()))
      return Refuse(NetError::kOther, "out of memory");
  }
  if (!has_content_type && !Append(list, "Content-Type: application/json")) {
    return Refuse(NetError::kOther, "out of memory");
  }
  // No "Expect: 100-continue" round trip (up to a second lost per request).
  if (!Append(list, "Expect:")) return Refuse(NetError::kOther, "out of memory");

  CurlEasy curl(curl_easy_init());
  if (!curl) return Refuse(NetError::kOther, "curl_easy_init failed");
  HttpResponse response;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, plain_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "redis-memwatch/" MEMWATCH_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.retry_after);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    response.error = ClassifyCurlError(code);
    response.error_message = DescribeCurlError(code, error_buffer, secrets);
    response.body.clear();
    return response;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace memwatch::net
