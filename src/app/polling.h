// The polling side of the daemon: the poller on a thread of its own, the
// processor it feeds with every result, and the processor's effects carried
// out (notifications to the sink, fast polling to the poller). The
// processor's state is shared by the poller thread and a reload on the main
// thread; mu_ serialises the two.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "app/notification_sink.h"
#include "app/poll_processor.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "poller/poller.h"

namespace memwatch::app {

// The poller's options for `config`.
poller::PollerOptions PollerOptionsOf(const config::Config& config);

class Polling {
 public:
  // Nothing is owned; all must outlive this object. `id_nonce` keeps this
  // run's notification ids apart from an earlier run's.
  Polling(const config::Config& config, metrics::MetricsStore* store, NotificationSink* sink,
          const Clock* clock, uint64_t id_nonce);
  ~Polling();  // Stop()
  Polling(const Polling&) = delete;
  Polling& operator=(const Polling&) = delete;

  // Called on the poller thread with what each poll says about its target
  // (PollEffects::health). Set before Start().
  using HealthFn = std::function<void(const PolledHealth&)>;
  void SetHealthObserver(HealthFn fn) { health_ = std::move(fn); }

  // Where observations' key families come from; set before Start().
  void SetKeyFamilySource(const KeyFamilyBoard* board) { processor_.SetKeyFamilySource(board); }

  // Polls target `name` at once (Poller::PollSoon). Thread-safe.
  void PollSoon(const std::string& name) { poller_.PollSoon(name); }

  // Evaluates the findings about group `name` as a whole
  // (PollProcessor::ProcessGroup) and carries out what they ask.
  // Thread-safe.
  void SubmitGroupFindings(const std::string& name, std::vector<Finding> findings);

  // Starts the poller thread: every target is polled at once.
  void Start();
  // Applies targets, interval, timeout, check settings and the alerting
  // policy from the next poll of every target; targets that stay keep their
  // connection, history and alert state. Thread-safe with the poller.
  void Apply(const config::Config& config);
  // Stops and joins the poller thread; after it returns, no result is
  // processed and nothing more reaches the sink. Idempotent.
  void Stop();

  // True once every target has reported at least once.
  bool FirstRoundComplete() const { return first_round_.load(); }
  // When the last result came in (or Start, before any).
  MonoTime LastActivity() const { return MonoTime(MonoTime::duration(last_activity_.load())); }

 private:
  // On the poller thread, for every result.
  void OnResult(const poller::PollResult& result);
  void Carry(PollEffects effects);
  void Touch() { last_activity_ = clock_->Now().time_since_epoch().count(); }

  NotificationSink* const sink_;
  HealthFn health_;
  const Clock* const clock_;
  std::mutex mu_;
  PollProcessor processor_;  // guarded by mu_
  poller::Poller poller_;
  std::thread thread_;
  std::atomic<bool> first_round_{false};
  std::atomic<MonoTime::rep> last_activity_{0};
};

}  // namespace memwatch::app
