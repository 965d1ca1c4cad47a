// SmtpClient on a libcurl easy handle per message: `starttls` is smtp://
// with CURLOPT_USE_SSL = CURLUSESSL_ALL (no silent plaintext fallback),
// `tls` is smtps://, certificates are always verified (CA file optional),
// every send is bounded by CURLOPT_TIMEOUT_MS, only smtp/smtps allowed.
// A password is never sent over plain SMTP to a non-loopback server.
#pragma once

#include "net/smtp_client.h"

namespace memwatch::net {

class CurlSmtpClient final : public SmtpClient {
 public:
  CurlSmtpClient();
  SmtpResult Send(const SmtpServer& server, const SmtpMessage& message, Duration timeout) override;
};

}  // namespace memwatch::net
