// Posts FormatWebhook() to a generic webhook with the configured headers,
// plus Idempotency-Key: <notification id> so the receiver can drop the
// rare duplicate (a crash between its 2xx and our outbox removal).
#pragma once

#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "alerting/notifier.h"
#include "net/http_client.h"
#include "notify/message_options.h"

namespace memwatch::notify {

class WebhookNotifier final : public alerting::Notifier {
 public:
  WebhookNotifier(std::string receiver, alerting::WebhookSettings settings, MessageOptions options,
                  net::HttpClient* http, Duration timeout);
  alerting::DeliveryAttempt Deliver(const alerting::Notification& n) override;

 private:
  const std::string receiver_;
  const alerting::WebhookSettings settings_;
  const MessageOptions options_;
  net::HttpClient* const http_;
  const Duration timeout_;
};

}  // namespace memwatch::notify
