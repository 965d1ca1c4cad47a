// The SMTP seam: submit one message to one server. CurlSmtpClient is the
// real one; tests use fakes.
#pragma once

#include <string>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/secret.h"
#include "net/net_error.h"

namespace memwatch::net {

enum class SmtpSecurity {
  kNone,      // plain SMTP; AUTH only to a loopback server
  kStartTls,  // STARTTLS, required before anything else is sent
  kTls,       // implicit TLS (smtps://, usually port 465)
};

struct SmtpServer {
  std::string host;
  int port = 587;
  SmtpSecurity security = SmtpSecurity::kStartTls;
  std::string ca_file;   // "" = the system CA store
  std::string username;  // "" = no AUTH
  Secret password;
};

struct SmtpMessage {
  std::string from;             // envelope sender, bare address
  std::vector<std::string> to;  // envelope recipients, bare addresses
  std::string data;             // the RFC 5322 message, CRLF line ends, not dot-stuffed
};

struct SmtpResult {
  int reply_code = 0;  // the server's last reply (250 when accepted); 0 if none
  NetError error = NetError::kNone;
  // Set whenever the message was not accepted; never contains the password.
  std::string error_message;

  bool ok() const { return error == NetError::kNone && reply_code >= 200 && reply_code < 300; }
};

class SmtpClient {
 public:
  virtual ~SmtpClient() = default;
  // Connects, secures, authenticates and submits within `timeout`.
  // Thread-safe; never throws.
  virtual SmtpResult Send(const SmtpServer& server, const SmtpMessage& message,
                          Duration timeout) = 0;
};

}  // namespace memwatch::net
