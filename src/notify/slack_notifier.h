// Posts FormatSlackMessage() to a Slack incoming webhook.
#pragma once

#include <string>

#include "alerting/notifier.h"
#include "memwatch/secret.h"
#include "net/http_client.h"
#include "notify/message_options.h"

namespace memwatch::notify {

class SlackNotifier final : public alerting::Notifier {
 public:
  // `http` is not owned and must outlive the notifier.
  SlackNotifier(std::string receiver, Secret webhook_url, MessageOptions options,
                net::HttpClient* http, Duration timeout);
  alerting::DeliveryAttempt Deliver(const alerting::Notification& n) override;

 private:
  const std::string receiver_;
  const Secret url_;
  const MessageOptions options_;
  net::HttpClient* const http_;
  const Duration timeout_;
};

}  // namespace memwatch::notify
