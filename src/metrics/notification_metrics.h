// The dispatcher's counters, kept for /metrics:
//   redis_memwatch_notifications_total{receiver,result}
//   redis_memwatch_notification_queue_length{receiver}
//   redis_memwatch_notification_latency_seconds{receiver}  (histogram)
// and, for the status page, each receiver's last notifications.
// Written by the dispatcher's threads, read by scrapes; every method is
// thread-safe and none blocks for longer than a map update.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/dispatch_observer.h"
#include "metrics/text_writer.h"

namespace memwatch::metrics {

// Upper bounds of the latency buckets, seconds: from "within a second" to
// "a receiver was down for minutes".
inline constexpr std::array<double, 11> kNotificationLatencyBuckets = {0.1, 0.25, 0.5, 1,   2.5, 5,
                                                                       10,  30,   60,  120, 300};

// How many of its last notifications each receiver keeps for the status page.
inline constexpr size_t kRecentNotifications = 10;

// One of a receiver's last notifications, as the dispatcher's events left
// it. Times are Unix seconds of the dispatcher's wall clock.
struct RecentNotification {
  std::string id;
  std::string target;    // empty when unknown (dropped before any attempt)
  std::string headline;  // alerting::ShortHeadline; empty when unknown
  // kRetried: still queued, the last attempt failed. The others are final:
  // a later event about the same id no longer changes the state.
  alerting::NotificationResult state = alerting::NotificationResult::kSent;
  std::string reason;  // why it is retrying, failed, dropped or superseded; empty when sent
  int attempts = 0;    // in this run of the daemon
  std::optional<double> created_at;       // the evaluation that produced it, when known
  double updated_at = 0;                  // the last event
  std::optional<double> latency_seconds;  // set iff sent: from created_at to acceptance
  bool operator==(const RecentNotification&) const = default;
};

struct ReceiverNotificationStats {
  std::string receiver;
  uint64_t sent = 0, retried = 0, failed = 0, dropped = 0, superseded = 0;
  uint64_t queue_length = 0;
  // Deliveries per bucket of kNotificationLatencyBuckets (not cumulative:
  // above the previous bound, at most this one); those above the last bound
  // are latency_count minus their sum.
  std::array<uint64_t, kNotificationLatencyBuckets.size()> latency_buckets{};
  uint64_t latency_count = 0;
  double latency_sum = 0;
  // At most kRecentNotifications, the most recently updated first.
  std::vector<RecentNotification> recent;
};

class NotificationMetrics final : public alerting::DispatchObserver {
 public:
  // Receivers listed here are exported at 0 before their first event, so
  // rate() and alert rules work from the start. Replaces the list on reload;
  // counters of receivers that stay are kept.
  void SetReceivers(const std::vector<std::string>& names);

  void OnNotification(const alerting::NotificationEvent& event) override;
  void OnQueueLength(std::string_view receiver, size_t length) override;
  void OnDelivered(std::string_view receiver, Duration latency) override;

  // One entry per receiver, sorted by name.
  std::vector<ReceiverNotificationStats> Snapshot() const;

 private:
  ReceiverNotificationStats& Entry(std::string_view receiver);  // requires mu_

  mutable std::mutex mu_;
  std::map<std::string, ReceiverNotificationStats, std::less<>> by_receiver_;  // guarded by mu_
};

// Writes the three families for `stats` (every receiver has its counters
// for all five results from the start, so rate() works at once).
void WriteNotificationMetrics(TextWriter* w, const std::vector<ReceiverNotificationStats>& stats);

}  // namespace memwatch::metrics
