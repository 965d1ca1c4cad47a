// The metrics hooks of the dispatcher. The daemon implements them to export
//   redis_memwatch_notifications_total{receiver,result}   (OnNotification)
//   redis_memwatch_notification_queue_length{receiver}    (OnQueueLength)
//   redis_memwatch_notification_latency_seconds{receiver} (OnDelivered)
// and to show each receiver's last notifications on the status page
// (OnNotification's event says which one and why).
// Called from the dispatcher's threads, concurrently: implementations must
// be thread-safe and must not block.
#pragma once

#include <cstddef>
#include <optional>
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

// What happened to one notification. The views are valid only during the
// OnNotification call. Texts are for people and never hold a secret: the
// reason is what the dispatcher logs (notifier errors are redacted there).
struct NotificationEvent {
  std::string_view receiver;
  std::string_view id;
  NotificationResult result = NotificationResult::kSent;
  WallTime at{};  // the dispatcher's wall clock when it happened
  // Empty when unknown: the outbox keeps only ids of what it drops, and the
  // target (not the content) of what it supersedes.
  std::string_view target;
  // Known (created_at set) only for kSent, kRetried and kFailed, when the
  // dispatcher holds the notification itself.
  std::optional<WallTime> created_at;
  std::string_view headline;  // ShortHeadline(n)
  int firing = 0;             // FiringCount(n)
  // Attempts of this notification in this run, this one included; 0 when
  // the event is not about an attempt (dropped, superseded, orphaned).
  int attempts = 0;
  // Why it was retried, failed, dropped or superseded; empty when sent.
  std::string_view reason;
};

class DispatchObserver {
 public:
  virtual ~DispatchObserver() = default;
  virtual void OnNotification(const NotificationEvent& event) = 0;
  virtual void OnQueueLength(std::string_view receiver, size_t length) = 0;
  // From the evaluation that created the notification to the receiver's
  // acceptance (wall clock, so it spans restarts).
  virtual void OnDelivered(std::string_view receiver, Duration latency) = 0;
};

// Ignores everything; for callers that export nothing.
class NullDispatchObserver final : public DispatchObserver {
 public:
  void OnNotification(const NotificationEvent&) override {}
  void OnQueueLength(std::string_view, size_t) override {}
  void OnDelivered(std::string_view, Duration) override {}
};

}  // namespace memwatch::alerting
