// The metrics hooks of the dispatcher. The daemon implements them to export
//   redis_memwatch_notifications_total{receiver,result}   (OnNotification)
//   redis_memwatch_notification_queue_length{receiver}    (OnQueueLength)
//   redis_memwatch_notification_latency_seconds{receiver} (OnDelivered)
// Called from the dispatcher's threads, concurrently: implementations must
// be thread-safe and must not block.
#pragma once

#include <cstddef>
#include <string_view>

#include "memwatch/clock.h"

namespace memwatch::alerting {

enum class NotificationResult {
  kSent,     // the receiver accepted it (2xx / SMTP 250)
  kRetried,  // an attempt failed and will be retried
  kFailed,   // given up: moved to <state_dir>/failed/
  kDropped,  // pushed out of a full queue, never delivered
  // Replaced whole, before delivery, by a newer notification about the same
  // target that says everything it said that is still true (supersede.h).
  kSuperseded,
};

// The `result` label: "sent" | "retried" | "failed" | "dropped" |
// "superseded".
std::string_view ResultLabel(NotificationResult r);

class DispatchObserver {
 public:
  virtual ~DispatchObserver() = default;
  virtual void OnNotification(std::string_view receiver, NotificationResult result) = 0;
  virtual void OnQueueLength(std::string_view receiver, size_t length) = 0;
  // From the evaluation that created the notification to the receiver's
  // acceptance (wall clock, so it spans restarts).
  virtual void OnDelivered(std::string_view receiver, Duration latency) = 0;
};

// Ignores everything; for callers that export nothing.
class NullDispatchObserver final : public DispatchObserver {
 public:
  void OnNotification(std::string_view, NotificationResult) override {}
  void OnQueueLength(std::string_view, size_t) override {}
  void OnDelivered(std::string_view, Duration) override {}
};

}  // namespace memwatch::alerting
