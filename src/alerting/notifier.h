// The seam between the dispatcher and a receiver's protocol: one attempt to
// deliver one notification. Implemented in src/notify (Slack, email,
// webhook, Alertmanager) and by fakes in tests.
#pragma once

#include "alerting/delivery_attempt.h"
#include "alerting/notification.h"

namespace memwatch::alerting {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Makes exactly one attempt (Alertmanager: one pass over its URLs) and
  // reports what happened; never throws. Returns within the receiver's
  // timeout. Called from one dispatcher thread at a time per notifier.
  virtual DeliveryAttempt Deliver(const Notification& n) = 0;
};

}  // namespace memwatch::alerting
