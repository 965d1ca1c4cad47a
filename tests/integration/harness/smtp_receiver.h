// A real SMTP receiver on loopback for the email integration tests:
// tests/integration/harness/smtp_receiver.py (aiosmtpd) run by
// /usr/bin/python3, either plain or STARTTLS + AUTH with a self-signed
// certificate made by openssl in a temp dir at test time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/http_receiver.h"

namespace memwatch::testing {

class SmtpReceiver {
 public:
  struct Options {
    bool starttls = false;  // require STARTTLS, then AUTH as user/password
    std::string user = "alerts";
    std::string password = "correct-horse-battery";
  };
  struct Message {
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    std::string data;  // as received (CRLF line ends)
  };

  explicit SmtpReceiver(Options options);
  SmtpReceiver() : SmtpReceiver(Options{}) {}

  int port() const { return process_ ? process_->port() : 0; }
  std::string error() const { return process_ ? process_->error() : error_; }
  // The self-signed certificate (CN=localhost, SAN 127.0.0.1): the CA file
  // a client must trust. "" without STARTTLS.
  const std::string& cert_file() const { return cert_; }

  std::vector<Message> Messages() const;
  bool WaitForMessages(size_t n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  TempDir dir_{"memwatch-smtp"};
  std::string cert_;
  std::string error_;
  std::unique_ptr<ScriptProcess> process_;
};

}  // namespace memwatch::testing
