// Delivers outbox notifications to their receivers, retrying per
// RetryPolicy, so that one slow or dead receiver never delays another.
//
// Threads: one worker thread per receiver. Receivers are few (a handful),
// every attempt is a blocking libcurl easy call bounded by the receiver's
// timeout, and a thread per receiver gives isolation for free: a black-holed
// SMTP server or a Slack answering 429 for minutes stalls only its own
// queue, retry waits are plain interruptible sleeps, and the notifiers stay
// simple synchronous code that unit tests drive with fakes. A libcurl multi
// loop would save a few idle threads at the price of a hand-written
// scheduler (per-receiver backoff timers, SMTP and HTTP in one loop).
//
// Per receiver, delivery is in order (a "resolved" never overtakes its
// "firing"): the worker attempts the oldest notification until it is
// delivered, fails for good or is given up on, then moves to the next.
// Between attempts it waits per RetryPolicy; the backoff belongs to the
// receiver (consecutive failures), not to one notification, and while it
// runs nothing is in flight, so a newer notification about the same target
// can take the older one's place with the current state (outbox.h). Two
// things cut a backoff short: while a critical alert is pending the
// receiver is tried at least every critical_retry_interval (5 s); and a
// notification bringing a new or escalated critical finding is attempted
// at once (Outbox::ClaimUrgent: after whatever of its own target is ahead
// of it). Neither ever shortens a wait the receiver asked for (429,
// Retry-After): nothing is sent to it before that wait is over.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "alerting/dispatch_observer.h"
#include "alerting/notifier.h"
#include "alerting/outbox.h"
#include "alerting/retry_policy.h"
#include "alerting/sleeper.h"
#include "memwatch/clock.h"
#include "memwatch/result.h"

namespace memwatch::alerting {

struct DispatcherOptions {
  RetryOptions retry;
  uint64_t seed = 1;  // jitter; worker i uses seed + i
};

struct ReceiverStats {
  uint64_t sent = 0;
  uint64_t retried = 0;
  uint64_t failed = 0;
  uint64_t dropped = 0;
  uint64_t superseded = 0;
  size_t queue_length = 0;
};

class Dispatcher {
 public:
  // `notifiers` maps receiver name to its notifier. Nothing is owned; all
  // must outlive the dispatcher.
  Dispatcher(Outbox* outbox, const std::map<std::string, Notifier*, std::less<>>& notifiers,
             const Clock* clock, Sleeper* sleeper, DispatchObserver* observer,
             DispatcherOptions options = {});
  ~Dispatcher();  // Stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Recovers the outbox (notifications left by an earlier run are queued
  // again; those of receivers no longer configured go to failed/), then
  // starts the workers. Fails only when the state directory is unusable.
  Result<RecoveryReport> Start();

  // Stores `n` durably (superseding what it can of an older notification
  // about its target, counted as "superseded"), then wakes its receiver's
  // worker; returns after the fsync. Fails when the receiver is unknown. A
  // disk error is logged and returned, but `n` stays queued in memory and
  // is still delivered.
  Status Submit(const Notification& n);

  // Cuts retry waits short, lets attempts in flight finish (each bounded by
  // its receiver's timeout) and joins the workers. Undelivered
  // notifications stay in the outbox for the next run. Idempotent.
  void Stop();

  ReceiverStats Stats(std::string_view receiver) const;

 private:
  struct Worker {
    Worker(std::string n, Notifier* nt, RetryPolicy p)
        : name(std::move(n)), notifier(nt), policy(p) {}
    const std::string name;
    Notifier* const notifier;
    // State below is used by the worker thread only.
    RetryPolicy policy;
    int failures = 0;         // consecutive failed attempts; 0 = healthy
    MonoTime last_failure{};  // when the last of them ended
    RetryDecision last;       // what the policy said then
    MonoTime not_before{};    // the receiver asked not to be called before
    struct Tries {
      MonoTime first;  // for the give-up age
      int count = 0;   // attempts in this run, for the status page
    };
    std::map<std::string, Tries, std::less<>> tries;  // by id

    std::thread thread;
    std::mutex mu;
    std::condition_variable cv;
    uint64_t version = 0;  // bumped by Submit; guarded by mu
    std::atomic<uint64_t> sent{0}, retried{0}, failed{0}, dropped{0}, superseded{0};
  };

  void Run(Worker& w);
  // When the receiver may be tried again (now when it is healthy).
  MonoTime RetryAt(const Worker& w) const;
  // Makes one attempt of `n` (claimed) and acts on the verdict.
  void Attempt(Worker& w, const Notification& n);
  // Tells the observer what happened to `n`, which the dispatcher holds.
  void Report(const Notification& n, std::string_view receiver, NotificationResult result,
              int attempts, std::string_view reason);
  void CountDropped(const std::vector<Dropped>& dropped, std::string_view why);
  // `ids`: notifications about `target` replaced whole, before delivery.
  void CountSuperseded(Worker& w, const std::vector<std::string>& ids, std::string_view target,
                       std::string_view by);
  void ReportQueue(const Worker& w);
  Worker* Find(std::string_view receiver) const;

  Outbox* const outbox_;
  const Clock* const clock_;
  Sleeper* const sleeper_;
  DispatchObserver* const observer_;
  std::map<std::string, std::unique_ptr<Worker>, std::less<>> workers_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace memwatch::alerting
