// Posts FormatAlertmanager() to <url>/api/v2/alerts of every configured
// Alertmanager, one after the other (each bounded by the timeout): the
// peers of a cluster gossip silences and what they notified, not alerts, so
// each must hold the alert for the cluster to de-duplicate and to survive a
// peer's loss. Delivered when at least one accepted. The clock gives endsAt
// its base at sending time.
#pragma once

#include <string>

#include "alerting/alerting_config.h"
#include "alerting/notifier.h"
#include "memwatch/clock.h"
#include "net/http_client.h"
#include "notify/alertmanager_payload.h"

namespace memwatch::notify {

class AlertmanagerNotifier final : public alerting::Notifier {
 public:
  AlertmanagerNotifier(std::string receiver, alerting::AlertmanagerSettings settings,
                       AlertmanagerOptions options, net::HttpClient* http, const Clock* clock,
                       Duration timeout);
  // Delivered when any URL answers 2xx. Otherwise reports the first
  // retryable failure if there was one (another pass may succeed), else
  // the last failure.
  alerting::DeliveryAttempt Deliver(const alerting::Notification& n) override;

 private:
  const std::string receiver_;
  const alerting::AlertmanagerSettings settings_;
  const AlertmanagerOptions options_;
  net::HttpClient* const http_;
  const Clock* const clock_;
  const Duration timeout_;
};

// "http://am:9093/" -> "http://am:9093/api/v2/alerts".
std::string AlertsEndpoint(std::string_view base_url);

}  // namespace memwatch::notify
