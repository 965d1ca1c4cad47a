// Sends FormatEmail() through an SmtpClient.
#pragma once

#include <string>

#include "alerting/alerting_config.h"
#include "alerting/notifier.h"
#include "net/smtp_client.h"
#include "notify/message_options.h"

namespace memwatch::notify {

class EmailNotifier final : public alerting::Notifier {
 public:
  EmailNotifier(std::string receiver, alerting::EmailSettings settings, MessageOptions options,
                net::SmtpClient* smtp, Duration timeout);
  alerting::DeliveryAttempt Deliver(const alerting::Notification& n) override;

 private:
  const std::string receiver_;
  const alerting::EmailSettings settings_;
  const net::SmtpServer server_;
  const MessageOptions options_;
  net::SmtpClient* const smtp_;
  const Duration timeout_;
};

net::SmtpServer ToSmtpServer(const alerting::EmailSettings& settings);

}  // namespace memwatch::notify
