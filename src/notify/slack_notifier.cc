#include "notify/slack_notifier.h"

#include "notify/http_attempt.h"
#include "notify/slack_message.h"

namespace memwatch::notify {

SlackNotifier::SlackNotifier(std::string receiver, Secret webhook_url, MessageOptions options,
                             net::HttpClient* http, Duration timeout)
    : receiver_(std::move(receiver)),
      url_(std::move(webhook_url)),
      options_(std::move(options)),
      http_(http),
      timeout_(timeout) {}

alerting::DeliveryAttempt SlackNotifier::Deliver(const alerting::Notification& n) {
  const std::string body = FormatSlackMessage(n, options_);
  const net::HttpResponse r = http_->Post(
      url_, {{"Content-Type", Secret("application/json; charset=utf-8")}}, body, timeout_);
  return ToAttempt(r, Where("slack", receiver_, url_.Reveal()));
}

}  // namespace memwatch::notify
