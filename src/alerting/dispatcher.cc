#include "alerting/dispatcher.h"

#include <spdlog/spdlog.h>

namespace memwatch::alerting {
namespace {

constexpr std::string_view kUnreadable =
    "its outbox file was deleted or damaged after it was queued; any bytes left are in failed/";

}  // namespace

std::string_view ResultLabel(NotificationResult r) {
  switch (r) {
    case NotificationResult::kSent:
      return "sent";
    case NotificationResult::kRetried:
      return "retried";
    case NotificationResult::kFailed:
      return "failed";
    case NotificationResult::kDropped:
      return "dropped";
  }
  return "unknown";
}

Dispatcher::Dispatcher(Outbox* outbox,
                       const std::map<std::string, Notifier*, std::less<>>& notifiers,
                       const Clock* clock, Sleeper* sleeper, DispatchObserver* observer,
                       DispatcherOptions options)
    : outbox_(outbox), clock_(clock), sleeper_(sleeper), observer_(observer) {
  uint64_t i = 0;
  for (const auto& [name, notifier] : notifiers) {
    workers_.emplace(name, std::make_unique<Worker>(
                               name, notifier, RetryPolicy(options.retry, options.seed + i++)));
  }
}

Dispatcher::~Dispatcher() { Stop(); }

Result<RecoveryReport> Dispatcher::Start() {
  Result<RecoveryReport> report = outbox_->Recover();
  if (!report.ok()) return report;
  const RecoveryReport& r = report.value();
  if (r.recovered > 0 || r.unreadable > 0) {
    spdlog::info("alerting: {} undelivered notification(s) from the last run queued again",
                 r.recovered);
  }
  if (r.unreadable > 0) {
    spdlog::error("alerting: {} unreadable outbox file(s) moved to {}", r.unreadable,
                  outbox_->FailedDir());
  }
  CountDropped(r.dropped, "over the per-receiver limit at start");
  for (const std::string& receiver : outbox_->Receivers()) {
    if (Find(receiver) != nullptr) continue;
    std::vector<Dropped> unreadable;
    while (std::optional<Notification> n = outbox_->Claim(receiver, &unreadable)) {
      const std::string reason = fmt::format("receiver {} is no longer configured", receiver);
      spdlog::error("alerting: notification {} for {}: {}", n->id, n->target, reason);
      (void)outbox_->MoveToFailed(*n, reason, clock_->WallNow());
      observer_->OnNotification(receiver, NotificationResult::kFailed);
    }
    CountDropped(unreadable, kUnreadable);
  }
  started_ = true;
  for (auto& [name, w] : workers_) {
    ReportQueue(*w);
    w->thread = std::thread([this, worker = w.get()] { Run(*worker); });
  }
  return report;
}

Status Dispatcher::Submit(const Notification& n) {
  // Before Start() the outbox is not recovered yet: it would load `n` twice.
  if (!started_) return Status::Error("the dispatcher is not started");
  Worker* w = Find(n.receiver);
  if (w == nullptr) return Status::Error(fmt::format("no receiver named {}", n.receiver));
  AddResult added = outbox_->Add(n);
  if (!added.stored.ok()) {
    spdlog::error("alerting: notification {} to {} is not durable (delivering from memory): {}",
                  n.id, n.receiver, added.stored.message());
  }
  CountDropped(added.dropped, "queue full: the receiver has not accepted anything for a while");
  {
    std::lock_guard lock(w->mu);
    ++w->version;
  }
  w->cv.notify_all();
  ReportQueue(*w);
  return added.stored;
}

void Dispatcher::Stop() {
  if (stopping_.exchange(true)) return;
  sleeper_->Interrupt();
  for (auto& [name, w] : workers_) {
    { std::lock_guard lock(w->mu); }  // orders the flag before a waiting worker's check
    w->cv.notify_all();
  }
  for (auto& [name, w] : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Dispatcher::Run(Worker& w) {
  for (;;) {
    uint64_t seen;
    {
      std::lock_guard lock(w.mu);
      if (stopping_) return;
      seen = w.version;
    }
    std::vector<Dropped> unreadable;
    std::optional<Notification> n = outbox_->Claim(w.name, &unreadable);
    CountDropped(unreadable, kUnreadable);
    if (!unreadable.empty()) ReportQueue(w);
    if (!n) {
      std::unique_lock lock(w.mu);
      w.cv.wait(lock, [&] { return stopping_ || w.version != seen; });
      continue;
    }
    if (!Deliver(w, *n)) return;
  }
}

bool Dispatcher::Deliver(Worker& w, const Notification& n) {
  const MonoTime first_attempt = clock_->Now();
  for (int failures = 1;; ++failures) {
    const DeliveryAttempt attempt = w.notifier->Deliver(n);
    const auto age = std::chrono::duration_cast<Duration>(clock_->Now() - first_attempt);
    RetryDecision d = w.policy.Decide(attempt, failures, age, clock_->WallNow());
    switch (d.kind) {
      case RetryDecision::Kind::kDelivered: {
        if (Status s = outbox_->Remove(n.id); !s.ok()) {
          spdlog::error(
              "alerting: notification {} delivered but not removed (it may be sent "
              "again after a restart): {}",
              n.id, s.message());
        }
        const Duration latency =
            std::max(Duration::zero(),
                     std::chrono::duration_cast<Duration>(clock_->WallNow() - n.created_at));
        spdlog::info("alerting: notification {} ({} alert(s) on {}) delivered to {} in {} ms", n.id,
                     n.alerts.size(), n.target, w.name, latency.count());
        ++w.sent;
        observer_->OnNotification(w.name, NotificationResult::kSent);
        observer_->OnDelivered(w.name, latency);
        ReportQueue(w);
        return true;
      }
      case RetryDecision::Kind::kPermanent: {
        spdlog::error("alerting: notification {} on {} NOT delivered, kept in {}: {}", n.id,
                      n.target, outbox_->FailedDir(), d.reason);
        if (Status s = outbox_->MoveToFailed(n, d.reason, clock_->WallNow()); !s.ok()) {
          spdlog::error("alerting: {}", s.message());
        }
        ++w.failed;
        observer_->OnNotification(w.name, NotificationResult::kFailed);
        ReportQueue(w);
        return true;
      }
      case RetryDecision::Kind::kRetry:
        break;
    }
    spdlog::warn("alerting: notification {} (attempt {}) not delivered, retrying in {} ms: {}",
                 n.id, failures, d.delay.count(), d.reason);
    ++w.retried;
    observer_->OnNotification(w.name, NotificationResult::kRetried);
    if (!sleeper_->SleepFor(d.delay)) {
      outbox_->Release(n.id);
      return false;
    }
  }
}

void Dispatcher::CountDropped(const std::vector<Dropped>& dropped, std::string_view why) {
  for (const Dropped& d : dropped) {
    spdlog::error("alerting: DROPPED notification {} to {} ({})", d.id, d.receiver, why);
    if (Worker* w = Find(d.receiver)) ++w->dropped;
    observer_->OnNotification(d.receiver, NotificationResult::kDropped);
  }
}

void Dispatcher::ReportQueue(const Worker& w) {
  observer_->OnQueueLength(w.name, outbox_->PendingCount(w.name));
}

Dispatcher::Worker* Dispatcher::Find(std::string_view receiver) const {
  auto it = workers_.find(receiver);
  return it == workers_.end() ? nullptr : it->second.get();
}

ReceiverStats Dispatcher::Stats(std::string_view receiver) const {
  ReceiverStats s;
  if (const Worker* w = Find(receiver)) {
    s.sent = w->sent;
    s.retried = w->retried;
    s.failed = w->failed;
    s.dropped = w->dropped;
  }
  s.queue_length = outbox_->PendingCount(receiver);
  return s;
}

}  // namespace memwatch::alerting
