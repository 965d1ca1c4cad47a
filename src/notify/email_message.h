// The email for a notification: an RFC 5322 message, multipart/alternative
// with a plain-text and an HTML part (both quoted-printable UTF-8), ready
// for SMTP (CRLF line ends; the SMTP client does the dot-stuffing). Pure:
// the Date header is the notification's created_at, the Message-ID and the
// MIME boundary derive from its id, so a retried notification is the same
// message and golden files are stable.
#pragma once

#include <string>
#include <vector>

#include "alerting/notification.h"
#include "notify/message_options.h"

namespace memwatch::notify {

struct EmailOptions {
  std::string from;             // alerts@example.com
  std::vector<std::string> to;  // bare addresses
  MessageOptions message;
};

struct EmailMessage {
  std::string subject;  // unencoded, e.g. "[CRITICAL] coupon-redis: writes rejected (OOM)"
  std::string data;     // the whole message
};

EmailMessage FormatEmail(const alerting::Notification& n, const EmailOptions& options);

// The two bodies before transfer encoding (exposed for tests).
std::string EmailText(const alerting::Notification& n, const MessageOptions& options);
std::string EmailHtml(const alerting::Notification& n, const MessageOptions& options);

}  // namespace memwatch::notify
