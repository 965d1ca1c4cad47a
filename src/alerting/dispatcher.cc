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
    case NotificationResult::kSuperseded:
      return "superseded";
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
  if (r.superseded > 0) {
    spdlog::info("alerting: {} notification(s) from the last run superseded by newer ones",
                 r.superseded);
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
      Report(*n, receiver, NotificationResult::kFailed, 0, reason);
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
  CountSuperseded(*w, added.superseded, n.target, n.id);
  {
    std::lock_guard lock(w->mu);
    ++w->version;
  }
  w->cv.notify_all();
  sleeper_->Wake();  // a backoff may end sooner now (a critical arrived)
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
    // Read before looking at the outbox: a Submit after this ends the wait.
    const uint64_t wakes = sleeper_->Wakes();
    const MonoTime now = clock_->Now();
    if (now < w.not_before) {
      // The receiver's own wait (Retry-After): nothing cuts it short.
      if (!sleeper_->SleepFor(std::chrono::ceil<Duration>(w.not_before - now))) return;
      continue;
    }
    const MonoTime retry_at = RetryAt(w);
    std::vector<Dropped> unreadable;
    std::optional<Notification> n = now >= retry_at ? outbox_->Claim(w.name, &unreadable)
                                                    : outbox_->ClaimUrgent(w.name, &unreadable);
    CountDropped(unreadable, kUnreadable);
    if (!unreadable.empty()) ReportQueue(w);
    if (n) {
      Attempt(w, *n);
      continue;
    }
    if (now < retry_at && outbox_->PendingCount(w.name) > 0) {
      if (!sleeper_->SleepUnlessWoken(std::chrono::ceil<Duration>(retry_at - now), wakes)) return;
      continue;
    }
    std::unique_lock lock(w.mu);
    w.cv.wait(lock, [&] { return stopping_ || w.version != seen; });
  }
}

MonoTime Dispatcher::RetryAt(const Worker& w) const {
  if (w.failures == 0) return MonoTime::min();
  const Duration wait = WaitBeforeRetry(w.last, outbox_->HasCritical(w.name), w.policy.options());
  return std::max(w.last_failure + wait, w.not_before);
}

void Dispatcher::Attempt(Worker& w, const Notification& n) {
  Worker::Tries& tries = w.tries.try_emplace(n.id, Worker::Tries{clock_->Now()}).first->second;
  const MonoTime first_attempt = tries.first;
  const int attempts = ++tries.count;
  const DeliveryAttempt attempt = w.notifier->Deliver(n);
  const MonoTime now = clock_->Now();
  const auto age = std::chrono::duration_cast<Duration>(now - first_attempt);
  RetryDecision d = w.policy.Decide(attempt, w.failures + 1, age, clock_->WallNow());
  switch (d.kind) {
    case RetryDecision::Kind::kDelivered: {
      if (Status s = outbox_->Remove(n.id); !s.ok()) {
        spdlog::error(
            "alerting: notification {} delivered but not removed (it may be sent "
            "again after a restart): {}",
            n.id, s.message());
      }
      const Duration latency = std::max(
          Duration::zero(), std::chrono::duration_cast<Duration>(clock_->WallNow() - n.created_at));
      spdlog::info("alerting: notification {} ({} alert(s) on {}) delivered to {} in {} ms", n.id,
                   n.alerts.size(), n.target, w.name, latency.count());
      w.failures = 0;
      w.tries.erase(n.id);
      Report(n, w.name, NotificationResult::kSent, attempts, {});
      observer_->OnDelivered(w.name, latency);
      ReportQueue(w);
      ++w.sent;  // last: who sees the count sees the delivery reported in full
      return;
    }
    case RetryDecision::Kind::kPermanent: {
      spdlog::error("alerting: notification {} on {} NOT delivered, kept in {}: {}", n.id, n.target,
                    outbox_->FailedDir(), d.reason);
      if (Status s = outbox_->MoveToFailed(n, d.reason, clock_->WallNow()); !s.ok()) {
        spdlog::error("alerting: {}", s.message());
      }
      // The receiver answered: the next notification need not wait.
      w.failures = 0;
      w.tries.erase(n.id);
      Report(n, w.name, NotificationResult::kFailed, attempts, d.reason);
      ReportQueue(w);
      ++w.failed;  // last, as for sent
      return;
    }
    case RetryDecision::Kind::kRetry:
      break;
  }
  ++w.failures;
  w.last_failure = now;
  w.last = d;
  if (d.throttled) w.not_before = now + d.delay;
  // Newer notifications of its target that queued during the attempt may
  // take over from it now.
  CountSuperseded(w, outbox_->Release(n.id), n.target, "a newer one queued during its attempt");
  std::erase_if(w.tries, [&](const auto& e) { return !outbox_->Contains(e.first); });
  spdlog::warn("alerting: notification {} (attempt {}) not delivered, retrying in {} ms: {}", n.id,
               w.failures, std::chrono::duration_cast<Duration>(RetryAt(w) - now).count(),
               d.reason);
  Report(n, w.name, NotificationResult::kRetried, attempts, d.reason);
  ReportQueue(w);
  ++w.retried;  // last, as for sent
}

void Dispatcher::Report(const Notification& n, std::string_view receiver, NotificationResult result,
                        int attempts, std::string_view reason) {
  const std::string headline = ShortHeadline(n);
  observer_->OnNotification({.receiver = receiver,
                             .id = n.id,
                             .result = result,
                             .at = clock_->WallNow(),
                             .target = n.target,
                             .created_at = n.created_at,
                             .headline = headline,
                             .firing = FiringCount(n),
                             .attempts = attempts,
                             .reason = reason});
}

void Dispatcher::CountDropped(const std::vector<Dropped>& dropped, std::string_view why) {
  for (const Dropped& d : dropped) {
    spdlog::error("alerting: DROPPED notification {} to {} ({})", d.id, d.receiver, why);
    if (Worker* w = Find(d.receiver)) ++w->dropped;
    observer_->OnNotification({.receiver = d.receiver,
                               .id = d.id,
                               .result = NotificationResult::kDropped,
                               .at = clock_->WallNow(),
                               .reason = why});
  }
}

void Dispatcher::CountSuperseded(Worker& w, const std::vector<std::string>& ids,
                                 std::string_view target, std::string_view by) {
  for (const std::string& id : ids) {
    spdlog::info("alerting: notification {} to {} superseded before delivery by {}", id, w.name,
                 by);
    ++w.superseded;
    const std::string reason = fmt::format("replaced before delivery by {}", by);
    observer_->OnNotification({.receiver = w.name,
                               .id = id,
                               .result = NotificationResult::kSuperseded,
                               .at = clock_->WallNow(),
                               .target = target,
                               .reason = reason});
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
    s.superseded = w->superseded;
  }
  s.queue_length = outbox_->PendingCount(receiver);
  return s;
}

}  // namespace memwatch::alerting
