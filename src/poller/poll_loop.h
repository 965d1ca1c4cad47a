// The engine behind Poller and PollOnce: the targets, their schedule and
// backoff, one Connection each, all driven by one EventLoop on the thread
// that calls Run().
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "poller/backoff.h"
#include "poller/connection.h"
#include "poller/event_loop.h"
#include "poller/poller.h"
#include "poller/timer_queue.h"
#include "poller/tls_context_cache.h"

namespace memwatch::poller {

// Everything runs on the loop thread (the one in Run()), except Stop() and
// the Queue*() methods, which are thread-safe and only touch the state
// guarded by mu_ before waking the loop.
class PollLoop {
 public:
  // `once`: poll each target once, then make Run() return (PollOnce); no
  // retries, no schedule.
  PollLoop(PollerOptions options, Poller::Callback callback, bool once);

  // Applies the queued target list, polls every target at once, then keeps
  // each on its schedule until Stop() (or, with `once`, until every target
  // reported).
  void Run();
  void Stop();
  // Replaces the target list (see Poller::SetTargets) when the loop next wakes.
  void QueueTargets(std::vector<PollTarget> targets);
  void QueueFastInterval(const std::string& name, std::optional<Duration> interval);
  // Polls the target at once when the loop next wakes (see Poller::PollSoon).
  void QueuePollSoon(const std::string& name);
  // Replaces the options (see Poller::SetOptions) when the loop next wakes.
  void QueueOptions(const PollerOptions& options);

 private:
  struct Target {
    Target(uint64_t target_id, size_t list_index, const PollTarget& target, EventLoop* loop,
           const PollerOptions& options, TlsContextCache* tls_contexts, uint64_t seed, MonoTime now)
        : id(target_id),
          index(list_index),
          spec(target),
          conn(loop, target_id, target, options, tls_contexts),
          backoff(options.interval, options.backoff_max, seed),
          next_due(now),
          due(now) {}

    const uint64_t id;  // the tag of its socket and the key of its timer
    size_t index;       // in the target list last applied
    const PollTarget spec;
    Connection conn;
    Backoff backoff;
    MonoTime next_due;  // when the next poll starts (not in flight)
    MonoTime due;       // when the poll in flight (or the last one) was due
    MonoTime started;   // when it started
    bool in_flight = false;
    bool reported = false;  // PollOnce: its result is in
    // Its phase (PhaseOffset) was added after its first successful poll:
    // from then on it keeps its place in the interval.
    bool phased = false;
    // The state last logged: nullopt before the first result, kNone when up.
    std::optional<PollFailure> logged;
  };

  void ApplyPending(MonoTime now);
  void ReplaceTargets(std::vector<PollTarget> specs, MonoTime now);
  void ApplyFastInterval(const std::string& name, std::optional<Duration> interval, MonoTime now);
  void ApplyPollSoon(const std::string& name, MonoTime now);
  void ApplyOptions(const PollerOptions& options, MonoTime now);
  // Moves the next poll of an idle, healthy target earlier when its
  // interval got shorter (NextDueAfterIntervalChange).
  void Reschedule(Target& t, MonoTime now);
  void FireTimers(MonoTime now);
  void StartPoll(Target& t, MonoTime now);
  void Finish(Target& t, PollOutcome outcome, MonoTime now);
  void Arm(Target& t);
  void LogTransition(Target& t, const PollOutcome& outcome);
  Duration IntervalFor(const Target& t) const;
  bool Done() const { return stop_.load() || (once_ && applied_ && unreported_ == 0); }

  PollerOptions options_;
  const Poller::Callback callback_;
  const bool once_;
  std::mt19937_64 seeds_;  // one backoff jitter seed per target
  // Declared before targets_: connections unregister from it when destroyed.
  EventLoop loop_;
  TlsContextCache tls_contexts_;  // emptied by each new target list (a reload)
  TimerQueue timers_;
  std::unordered_map<uint64_t, std::unique_ptr<Target>> targets_;
  std::map<std::string, Duration> fast_intervals_;  // by target name
  uint64_t next_id_ = EventLoop::kWakeTag + 1;
  bool applied_ = false;   // a target list was applied
  size_t unreported_ = 0;  // PollOnce: targets whose result is not in yet
  std::atomic<bool> stop_{false};

  std::mutex mu_;
  std::optional<std::vector<PollTarget>> pending_targets_;                     // guarded by mu_
  std::vector<std::pair<std::string, std::optional<Duration>>> pending_fast_;  // guarded by mu_
  std::vector<std::string> pending_soon_;                                      // guarded by mu_
  std::optional<PollerOptions> pending_options_;                               // guarded by mu_
};

}  // namespace memwatch::poller
