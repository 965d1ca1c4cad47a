#include "net/curl_smtp_client.h"

#include <cstring>

#include <fmt/format.h>

#include "net/curl_easy.h"
#include "net/url_redaction.h"

namespace memwatch::net {
namespace {

struct Reader {
  std::string_view rest;
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const size_t n = std::min(size * count, r->rest.size());
  std::memcpy(buffer, r->rest.data(), n);
  r->rest.remove_prefix(n);
  return n;
}

SmtpResult Unsent(NetError error, std::string message) {
  SmtpResult r;
  r.error = error;
  r.error_message = std::move(message);
  return r;
}

std::string ServerUrl(const SmtpServer& s) {
  const bool ipv6 = s.host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", s.security == SmtpSecurity::kTls ? "smtps" : "smtp",
                     ipv6 ? "[" : "", s.host, ipv6 ? "]" : "", s.port);
}

}  // namespace

CurlSmtpClient::CurlSmtpClient() { EnsureCurlGlobalInit(); }

SmtpResult CurlSmtpClient::Send(const SmtpServer& server, const SmtpMessage& message,
                                Duration timeout) {
  const std::string url = ServerUrl(server);
  if (server.host.empty() || HasLineBreak(server.host) ||
      server.host.find('/') != std::string::npos) {
    return Unsent(NetError::kBadRequest, "invalid SMTP host");
  }
  if (!server.username.empty() && server.security == SmtpSecurity::kNone &&
      !IsLoopbackHost(server.host)) {
    return Unsent(NetError::kBadRequest,
                  fmt::format("refusing to send the SMTP password to {} without TLS", url));
  }
  if (message.to.empty()) return Unsent(NetError::kBadRequest, "no recipients");
  CurlSlist recipients;
  for (const std::string& to : message.to) {
    if (HasLineBreak(to) || !Append(recipients, "<" + to + ">")) {
      return Unsent(NetError::kBadRequest, "invalid recipient address");
    }
  }
  if (HasLineBreak(message.from)) return Unsent(NetError::kBadRequest, "invalid sender address");
  const std::string from = "<" + message.from + ">";

  CurlEasy curl(curl_easy_init());
  if (!curl) return Unsent(NetError::kOther, "curl_easy_init failed");
  Reader reader{message.data};
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(
      c, CURLOPT_USE_SSL,
      static_cast<long>(server.security == SmtpSecurity::kNone ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  if (!server.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, server.ca_file.c_str());
  if (!server.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, server.password.Reveal().c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.data.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  const CURLcode code = curl_easy_perform(c);
  SmtpResult result;
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  result.reply_code = static_cast<int>(reply);
  if (code == CURLE_OK) {
    if (result.reply_code == 0) result.reply_code = 250;
    return result;
  }
  const std::vector<std::string_view> secrets{server.password.Reveal()};
  result.error_message =
      fmt::format("{} ({})", DescribeCurlError(code, error_buffer, secrets), url);
  if (code == CURLE_LOGIN_DENIED) {
    result.error = NetError::kAuth;
    result.error_message = fmt::format("{} refused the login of user '{}' (reply {})", url,
                                       server.username, result.reply_code);
  } else if (result.reply_code >= 400) {
    result.error = NetError::kNone;  // the server said no: its reply code tells how final that is
  } else {
    result.error = ClassifyCurlError(code);
  }
  return result;
}

}  // namespace memwatch::net
