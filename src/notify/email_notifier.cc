#include "notify/email_notifier.h"

#include <fmt/format.h>

#include "notify/email_message.h"
#include "notify/http_attempt.h"

namespace memwatch::notify {

net::SmtpServer ToSmtpServer(const alerting::EmailSettings& s) {
  net::SmtpServer server;
  server.host = s.host;
  server.port = s.port;
  server.security = s.tls == alerting::SmtpTls::kNone       ? net::SmtpSecurity::kNone
                    : s.tls == alerting::SmtpTls::kStartTls ? net::SmtpSecurity::kStartTls
                                                            : net::SmtpSecurity::kTls;
  server.ca_file = s.ca_file;
  server.username = s.username;
  server.password = s.password;
  return server;
}

EmailNotifier::EmailNotifier(std::string receiver, alerting::EmailSettings settings,
                             MessageOptions options, net::SmtpClient* smtp, Duration timeout)
    : receiver_(std::move(receiver)),
      settings_(std::move(settings)),
      server_(ToSmtpServer(settings_)),
      options_(std::move(options)),
      smtp_(smtp),
      timeout_(timeout) {}

alerting::DeliveryAttempt EmailNotifier::Deliver(const alerting::Notification& n) {
  const EmailMessage m = FormatEmail(n, EmailOptions{settings_.from, settings_.to, options_});
  const net::SmtpResult r =
      smtp_->Send(server_, net::SmtpMessage{settings_.from, settings_.to, m.data}, timeout_);
  alerting::DeliveryAttempt a;
  a.protocol = alerting::Protocol::kSmtp;
  a.transport = ToTransportError(r.error);
  a.status = r.reply_code;
  a.where = fmt::format("email receiver {} ({}:{})", receiver_, settings_.host, settings_.port);
  a.error = r.error_message;
  return a;
}

}  // namespace memwatch::notify
