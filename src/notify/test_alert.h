// `redis-memwatch test-alert`: one clearly marked test notification to each
// receiver, bypassing routing filters and the outbox, with a verdict per
// receiver so a person can fix the config before a real incident.
#pragma once

#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "alerting/notification.h"
#include "memwatch/clock.h"
#include "notify/notifier_factory.h"

namespace memwatch::notify {

struct TestAlertResult {
  std::string receiver;
  bool delivered = false;
  // Why not, when !delivered: names the receiver and a redacted endpoint,
  // never a secret. A 429 or 5xx says it would have been retried.
  std::string error;
};

// The test notification for `receiver`: target "redis-memwatch", check
// "test_alert", the receiver's min_severity (so downstream routing, such
// as Alertmanager's, treats it like a real alert), and test = true, which
// every formatter marks ("[TEST] ...").
alerting::Notification MakeTestNotification(const alerting::ReceiverConfig& receiver, WallTime now,
                                            size_t index);

// Sends to all receivers at once (one thread each, each bounded by its
// timeout); one attempt each. Results are in config order.
std::vector<TestAlertResult> SendTestAlerts(const alerting::AlertingConfig& config,
                                            const NotifierDeps& deps, WallTime now);

}  // namespace memwatch::notify
