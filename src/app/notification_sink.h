// Where notifications go once the alert state machine produced them: alert
// delivery in the daemon, a recorder in tests.
#pragma once

#include <vector>

#include "alerting/notification.h"

namespace memwatch::app {

class NotificationSink {
 public:
  virtual ~NotificationSink() = default;
  // Takes the notifications for storing and delivery. Must return at once:
  // the poller thread calls it.
  virtual void Submit(std::vector<alerting::Notification> notifications) = 0;
};

}  // namespace memwatch::app
