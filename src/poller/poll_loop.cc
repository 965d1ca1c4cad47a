#include "poller/poll_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "poller/protocol.h"
#include "poller/schedule.h"

namespace memwatch::poller {
namespace {

MonoTime Now() { return std::chrono::steady_clock::now(); }

}  // namespace

PollLoop::PollLoop(PollerOptions options, Poller::Callback callback, bool once)
    : options_(options),
      callback_(std::move(callback)),
      once_(once),
      seeds_(std::random_device{}()) {}

void PollLoop::Stop() {
  stop_.store(true);
  loop_.Wake();
}

void PollLoop::QueueTargets(std::vector<PollTarget> targets) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_targets_ = std::move(targets);
  }
  loop_.Wake();
}

void PollLoop::QueueFastInterval(const std::string& name, std::optional<Duration> interval) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_fast_.emplace_back(name, interval);
  }
  loop_.Wake();
}

void PollLoop::QueuePollSoon(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_soon_.push_back(name);
  }
  loop_.Wake();
}

void PollLoop::QueueOptions(const PollerOptions& options) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_options_ = options;
  }
  loop_.Wake();
}

void PollLoop::Run() {
  std::vector<EventLoop::Ready> ready;
  while (!Done()) {
    MonoTime now = Now();
    ApplyPending(now);
    FireTimers(now);
    if (Done()) break;
    loop_.Wait(timers_.Next(), &ready);
    now = Now();
    for (const EventLoop::Ready& event : ready) {
      auto it = targets_.find(event.tag);
      if (it == targets_.end()) continue;  // removed since
      Target& t = *it->second;
      if (auto outcome = t.conn.OnReady(event.events, now)) {
        Finish(t, std::move(*outcome), now);
      } else if (t.in_flight) {
        Arm(t);  // a new request went out with its own deadline
      }
    }
  }
}

void PollLoop::ApplyPending(MonoTime now) {
  std::optional<std::vector<PollTarget>> targets;
  std::vector<std::pair<std::string, std::optional<Duration>>> fast;
  std::optional<PollerOptions> options;
  std::vector<std::string> soon;
  {
    std::lock_guard<std::mutex> lock(mu_);
    targets.swap(pending_targets_);
    fast.swap(pending_fast_);
    soon.swap(pending_soon_);
    options.swap(pending_options_);
  }
  // Options first: targets added by the same reload start with them.
  if (options.has_value()) ApplyOptions(*options, now);
  if (targets.has_value()) ReplaceTargets(std::move(*targets), now);
  for (auto& [name, interval] : fast) ApplyFastInterval(name, interval, now);
  for (const std::string& name : soon) ApplyPollSoon(name, now);
}

void PollLoop::ReplaceTargets(std::vector<PollTarget> specs, MonoTime now) {
  // A reload loads every TLS context again, for kept targets too, from
  // their next connection on.
  tls_contexts_.Clear();
  std::unordered_map<std::string, uint64_t> old_by_name;
  for (const auto& [id, t] : targets_) old_by_name.emplace(t->spec.name, id);
  std::unordered_map<uint64_t, std::unique_ptr<Target>> kept;
  for (size_t i = 0; i < specs.size(); ++i) {
    auto old = old_by_name.find(specs[i].name);
    if (old != old_by_name.end() && targets_[old->second]->spec == specs[i]) {
      auto node = targets_.extract(old->second);
      node.mapped()->index = i;
      kept.insert(std::move(node));
      old_by_name.erase(old);
      continue;
    }
    const uint64_t id = next_id_++;
    auto t =
        std::make_unique<Target>(id, i, specs[i], &loop_, options_, &tls_contexts_, seeds_(), now);
    Arm(*t);  // due now: every new or changed target is polled at once
    kept.emplace(id, std::move(t));
  }
  for (auto& [id, t] : targets_) {  // removed or changed: closed, no result
    spdlog::debug("poller: target {} removed or changed", t->spec.name);
    timers_.Cancel(id);
  }
  targets_ = std::move(kept);
  applied_ = true;
  unreported_ = targets_.size();
}

void PollLoop::ApplyFastInterval(const std::string& name, std::optional<Duration> interval,
                                 MonoTime now) {
  if (interval.has_value()) {
    fast_intervals_[name] = std::max(*interval, Duration(1));
  } else {
    fast_intervals_.erase(name);
  }
  for (auto& [id, t] : targets_) {
    if (t->spec.name == name) Reschedule(*t, now);
  }
}

void PollLoop::ApplyPollSoon(const std::string& name, MonoTime now) {
  for (auto& [id, t] : targets_) {
    if (t->spec.name != name || t->in_flight || t->backoff.failures() > 0) continue;
    if (t->next_due > now) {
      t->next_due = now;
      Arm(*t);
    }
  }
}

void PollLoop::ApplyOptions(const PollerOptions& options, MonoTime now) {
  options_ = options;
  for (auto& [id, t] : targets_) {
    t->conn.SetTimeout(options_.timeout);
    t->backoff.SetBounds(options_.interval, options_.backoff_max);
    Reschedule(*t, now);
  }
}

void PollLoop::Reschedule(Target& t, MonoTime now) {
  // A healthy, idle target moves its next poll earlier if its new interval
  // asks for it (at once if one new interval has passed since the last
  // poll was due); a target backing off keeps its backoff; one in flight
  // is scheduled by the new interval when it finishes.
  if (t.in_flight || t.backoff.failures() > 0) return;
  const MonoTime next = NextDueAfterIntervalChange(t.due, t.next_due, IntervalFor(t), now);
  if (next < t.next_due) {
    t.next_due = next;
    Arm(t);
  }
}

void PollLoop::FireTimers(MonoTime now) {
  while (auto id = timers_.PopExpired(now)) {
    auto it = targets_.find(*id);
    if (it == targets_.end()) continue;
    Target& t = *it->second;
    if (!t.in_flight) {
      StartPoll(t, now);
    } else if (auto outcome = t.conn.OnDeadline(now)) {
      Finish(t, std::move(*outcome), now);
    } else {
      Arm(t);
    }
  }
}

void PollLoop::StartPoll(Target& t, MonoTime now) {
  t.due = t.next_due;
  t.started = now;
  t.in_flight = true;
  if (auto outcome = t.conn.StartPoll(now)) {
    Finish(t, std::move(*outcome), now);
  } else {
    Arm(t);
  }
}

void PollLoop::Finish(Target& t, PollOutcome outcome, MonoTime now) {
  t.in_flight = false;
  if (outcome.failure == PollFailure::kNone) {
    t.backoff.Reset();
    // Fixed cadence from the due time; slots the poll outlasted are skipped
    // (never two polls in flight, never a burst to catch up). Every target is
    // polled at once when added; after its first success it moves to its own
    // phase, so 1,000 targets do not all come due in the same millisecond
    // (and keep the poll lag low). A target on a fast interval is wanted
    // soon, not spread: it gets no phase.
    Duration phase = Duration::zero();
    if (!t.phased) {
      t.phased = true;
      if (!fast_intervals_.contains(t.spec.name)) {
        phase = PhaseOffset(t.index, targets_.size(), options_.interval);
      }
    }
    t.next_due = NextDueAfterSuccess(t.due, IntervalFor(t), phase, now);
  } else {
    // Until then the target reports nothing: no result per skipped slot.
    t.next_due = now + t.backoff.NextDelay();
  }
  LogTransition(t, outcome);
  if (once_) {
    t.reported = true;
    --unreported_;
  }
  Arm(t);

  PollResult result;
  result.target_index = t.index;
  result.target_name = t.spec.name;
  result.due = t.due;
  result.started = t.started;
  result.finished = now;
  result.failure = outcome.failure;
  result.message = std::move(outcome.message);
  result.info = std::move(outcome.info);
  result.tls_not_after = t.conn.tls_not_after();
  callback_(result);
}

void PollLoop::Arm(Target& t) {
  std::optional<MonoTime> when = t.in_flight ? t.conn.deadline() : std::optional(t.next_due);
  if (once_ && t.reported) when.reset();
  if (when.has_value()) {
    timers_.Set(t.id, *when);
  } else {
    timers_.Cancel(t.id);
  }
}

void PollLoop::LogTransition(Target& t, const PollOutcome& outcome) {
  if (t.logged == outcome.failure) return;
  // PollOnce callers (doctor) print results themselves.
  const auto level = once_ ? spdlog::level::debug : spdlog::level::info;
  if (outcome.failure == PollFailure::kNone) {
    spdlog::log(level, "poller: target {} is up ({})", t.spec.name, FormatAddress(t.spec.endpoint));
  } else {
    spdlog::log(once_ ? level : spdlog::level::warn, "poller: target {} is down: {}", t.spec.name,
                outcome.message);
  }
  t.logged = outcome.failure;
}

Duration PollLoop::IntervalFor(const Target& t) const {
  auto it = fast_intervals_.find(t.spec.name);
  return std::max(it != fast_intervals_.end() ? it->second : options_.interval, Duration(1));
}

}  // namespace memwatch::poller
