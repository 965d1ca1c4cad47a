#include "metrics/notification_metrics.h"

#include <algorithm>
#include <chrono>

#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace {

double UnixSeconds(WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Merges `e` into `r`: what `e` knows and `r` did not, then, unless `r`
// already reached a final state (a late event of a race, such as the
// retry reported after a newer notification took its place), its state.
void Apply(const alerting::NotificationEvent& e, bool is_new, RecentNotification* r) {
  if (r->target.empty()) r->target = std::string(e.target);
  if (!e.headline.empty()) r->headline = std::string(e.headline);
  if (e.created_at) r->created_at = UnixSeconds(*e.created_at);
  r->attempts = std::max(r->attempts, e.attempts);
  if (!is_new && r->state != alerting::NotificationResult::kRetried) return;
  r->state = e.result;
  r->reason = std::string(e.reason);
  r->updated_at = UnixSeconds(e.at);
  r->latency_seconds.reset();
  if (e.result == alerting::NotificationResult::kSent && r->created_at) {
    r->latency_seconds = std::max(0.0, r->updated_at - *r->created_at);
  }
}

// Keeps `recent` newest first and at most kRecentNotifications long.
void Record(const alerting::NotificationEvent& e, std::vector<RecentNotification>* recent) {
  auto it = std::find_if(recent->begin(), recent->end(),
                         [&](const RecentNotification& r) { return r.id == e.id; });
  const bool is_new = it == recent->end();
  if (is_new) {
    RecentNotification r;
    r.id = std::string(e.id);
    recent->insert(recent->begin(), std::move(r));
    if (recent->size() > kRecentNotifications) recent->pop_back();
    it = recent->begin();
  } else if (it->state == alerting::NotificationResult::kRetried) {
    std::rotate(recent->begin(), it, it + 1);  // updated: to the front
    it = recent->begin();
  }
  Apply(e, is_new, &*it);
}

}  // namespace

void NotificationMetrics::SetReceivers(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  std::map<std::string, ReceiverNotificationStats, std::less<>> next;
  for (const std::string& name : names) {
    auto it = by_receiver_.find(name);
    ReceiverNotificationStats s;
    if (it != by_receiver_.end()) s = it->second;
    s.receiver = name;
    next.emplace(name, std::move(s));
  }
  by_receiver_ = std::move(next);
}

ReceiverNotificationStats& NotificationMetrics::Entry(std::string_view receiver) {
  auto it = by_receiver_.find(receiver);
  if (it == by_receiver_.end()) {
    ReceiverNotificationStats s;
    s.receiver = std::string(receiver);
    it = by_receiver_.emplace(s.receiver, std::move(s)).first;
  }
  return it->second;
}

void NotificationMetrics::OnNotification(const alerting::NotificationEvent& event) {
  std::lock_guard lock(mu_);
  ReceiverNotificationStats& s = Entry(event.receiver);
  Record(event, &s.recent);
  switch (event.result) {
    case alerting::NotificationResult::kSent:
      ++s.sent;
      break;
    case alerting::NotificationResult::kRetried:
      ++s.retried;
      break;
    case alerting::NotificationResult::kFailed:
      ++s.failed;
      break;
    case alerting::NotificationResult::kDropped:
      ++s.dropped;
      break;
    case alerting::NotificationResult::kSuperseded:
      ++s.superseded;
      break;
  }
}

void NotificationMetrics::OnQueueLength(std::string_view receiver, size_t length) {
  std::lock_guard lock(mu_);
  Entry(receiver).queue_length = length;
}

void NotificationMetrics::OnDelivered(std::string_view receiver, Duration latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mu_);
  ReceiverNotificationStats& s = Entry(receiver);
  for (size_t i = 0; i < kNotificationLatencyBuckets.size(); ++i) {
    if (seconds <= kNotificationLatencyBuckets[i]) {
      ++s.latency_buckets[i];
      break;
    }
  }
  ++s.latency_count;
  s.latency_sum += seconds;
}

std::vector<ReceiverNotificationStats> NotificationMetrics::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<ReceiverNotificationStats> out;
  out.reserve(by_receiver_.size());
  for (const auto& [name, s] : by_receiver_) out.push_back(s);
  return out;
}

void WriteNotificationMetrics(TextWriter* w, const std::vector<ReceiverNotificationStats>& stats) {
  if (stats.empty()) return;
  w->BeginFamily(kNotifications,
                 "Notifications by outcome: sent (accepted), retried (an attempt failed), failed "
                 "(given up, kept in <state_dir>/failed), dropped (pushed out of a full queue), "
                 "superseded (replaced before delivery by a newer one about the same target).",
                 MetricType::kCounter);
  for (const ReceiverNotificationStats& s : stats) {
    w->Sample({{"receiver", s.receiver}, {"result", "sent"}}, static_cast<double>(s.sent));
    w->Sample({{"receiver", s.receiver}, {"result", "retried"}}, static_cast<double>(s.retried));
    w->Sample({{"receiver", s.receiver}, {"result", "failed"}}, static_cast<double>(s.failed));
    w->Sample({{"receiver", s.receiver}, {"result", "dropped"}}, static_cast<double>(s.dropped));
    w->Sample({{"receiver", s.receiver}, {"result", "superseded"}},
              static_cast<double>(s.superseded));
  }
  w->BeginFamily(kNotificationQueueLength, "Notifications waiting for the receiver.",
                 MetricType::kGauge);
  for (const ReceiverNotificationStats& s : stats) {
    w->Sample({{"receiver", s.receiver}}, static_cast<double>(s.queue_length));
  }
  w->BeginFamily(kNotificationLatency,
                 "From the evaluation that produced a notification to the receiver's acceptance.",
                 MetricType::kHistogram);
  for (const ReceiverNotificationStats& s : stats) {
    w->Histogram({{"receiver", s.receiver}}, kNotificationLatencyBuckets, s.latency_buckets,
                 s.latency_count, s.latency_sum);
  }
  w->MaybeFlush();
}

}  // namespace memwatch::metrics
