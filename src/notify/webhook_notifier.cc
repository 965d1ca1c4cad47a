#include "notify/webhook_notifier.h"

#include <strings.h>

#include "notify/http_attempt.h"
#include "notify/webhook_payload.h"

namespace memwatch::notify {

WebhookNotifier::WebhookNotifier(std::string receiver, alerting::WebhookSettings settings,
                                 MessageOptions options, net::HttpClient* http, Duration timeout)
    : receiver_(std::move(receiver)),
      settings_(std::move(settings)),
      options_(std::move(options)),
      http_(http),
      timeout_(timeout) {}

alerting::DeliveryAttempt WebhookNotifier::Deliver(const alerting::Notification& n) {
  std::vector<net::HttpHeader> headers{{"Idempotency-Key", Secret(n.id)}};
  bool has_content_type = false;
  for (const alerting::HeaderSetting& h : settings_.headers) {
    has_content_type |= strcasecmp(h.name.c_str(), "content-type") == 0;
    headers.push_back({h.name, h.value});
  }
  if (!has_content_type) {
    headers.push_back({"Content-Type", Secret("application/json; charset=utf-8")});
  }
  const net::HttpResponse r =
      http_->Post(settings_.url, headers, FormatWebhook(n, options_), timeout_);
  return ToAttempt(r, Where("webhook", receiver_, settings_.url.Reveal()));
}

}  // namespace memwatch::notify
