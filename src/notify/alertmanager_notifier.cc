#include "notify/alertmanager_notifier.h"

#include <optional>

#include "alerting/retry_policy.h"
#include "notify/http_attempt.h"

namespace memwatch::notify {

std::string AlertsEndpoint(std::string_view base_url) {
  while (base_url.ends_with('/')) base_url.remove_suffix(1);
  return std::string(base_url) + "/api/v2/alerts";
}

AlertmanagerNotifier::AlertmanagerNotifier(std::string receiver,
                                           alerting::AlertmanagerSettings settings,
                                           AlertmanagerOptions options, net::HttpClient* http,
                                           const Clock* clock, Duration timeout)
    : receiver_(std::move(receiver)),
      settings_(std::move(settings)),
      options_(std::move(options)),
      http_(http),
      clock_(clock),
      timeout_(timeout) {}

alerting::DeliveryAttempt AlertmanagerNotifier::Deliver(const alerting::Notification& n) {
  const std::string body = FormatAlertmanager(n, clock_->WallNow(), options_);
  // Every Alertmanager of a cluster must hold the alert: peers gossip only
  // silences and the notification log, not alerts. Delivered when any one
  // accepted (as Prometheus does); the others catch up at the next re-post.
  std::optional<alerting::DeliveryAttempt> delivered, retryable;
  alerting::DeliveryAttempt last;
  last.transport = alerting::TransportError::kBadRequest;
  last.where = Where("alertmanager", receiver_, "");
  last.error = "no Alertmanager URL configured";
  for (const Secret& base : settings_.urls) {
    const Secret url(AlertsEndpoint(base.Reveal()));
    const net::HttpResponse r =
        http_->Post(url, {{"Content-Type", Secret("application/json")}}, body, timeout_);
    last = ToAttempt(r, Where("alertmanager", receiver_, url.Reveal()));
    const alerting::Verdict v = alerting::Classify(last).verdict;
    if (v == alerting::Verdict::kDelivered) {
      if (!delivered) delivered = last;
    } else if (!retryable && v != alerting::Verdict::kPermanent) {
      retryable = last;
    }
  }
  if (delivered) return *delivered;
  return retryable ? *retryable : last;
}

}  // namespace memwatch::notify
