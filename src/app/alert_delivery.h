// The delivery side of alerting, as the daemon runs it: the libcurl HTTP
// and SMTP clients, one notifier per configured receiver, the durable
// outbox under state_dir and the dispatcher's workers.
//
// Submit() never blocks on the disk or the network: the poller thread hands
// notifications over and goes back to polling; a thread of ours writes each
// one to the outbox (fsync) and wakes its receiver's worker. That keeps a
// slow disk or receiver from ever delaying a poll.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "alerting/alerting_config.h"
#include "alerting/dispatch_observer.h"
#include "alerting/notification.h"
#include "app/notification_sink.h"
#include "memwatch/clock.h"
#include "memwatch/result.h"

namespace memwatch::app {

class AlertDelivery final : public NotificationSink {
 public:
  // `observer` and `clock` are not owned and must outlive this object.
  AlertDelivery(alerting::DispatchObserver* observer, const Clock* clock);
  ~AlertDelivery() override;  // Stop()
  AlertDelivery(const AlertDelivery&) = delete;
  AlertDelivery& operator=(const AlertDelivery&) = delete;

  // Builds the notifiers, recovers the outbox (what an earlier run left is
  // delivered now) and starts the workers; on a reload that changed the
  // alerting config, stops the old ones first (attempts in flight finish,
  // each bounded by its timeout) and starts again, so the outbox is
  // recovered under the new receivers: what is pending for a receiver no
  // longer configured is moved to <state_dir>/failed/ with the reason and
  // counted as failed, never deleted. A reload that left it as it was
  // changes nothing: retries keep their backoff and no thread is replaced.
  // With no receivers, delivery is off and nothing touches state_dir (after
  // a reload that removed the last receiver, its pending notifications are
  // moved aside first). Fails only when state_dir is unusable; delivery is
  // then off until the next successful Configure.
  Status Configure(const alerting::AlertingConfig& config);

  // Queues notifications for storing and delivery; returns at once.
  void Submit(std::vector<alerting::Notification> notifications) override;

  // Stores what is queued, stops the workers; undelivered notifications
  // stay in the outbox for the next run. Idempotent.
  void Stop();

  // True while receivers are configured and their workers run.
  bool Active() const;

 private:
  struct Running;  // clients, notifiers, outbox, dispatcher

  void StoreLoop();
  // Moves every pending notification under `state_dir` to failed/ (none of
  // their receivers is configured any more). Requires running_mu_ held.
  void MoveAsidePending(const std::string& state_dir);

  alerting::DispatchObserver* const observer_;
  const Clock* const clock_;

  // Held only to append or pop, never across I/O: the poller never waits.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<alerting::Notification> queue_;  // guarded by queue_mu_
  bool stopping_ = false;                     // guarded by queue_mu_

  // Held by the store thread across Dispatcher::Submit (an fsync) and by
  // Configure across the swap, so a notification is never stored while no
  // dispatcher runs, nor into one being torn down.
  mutable std::mutex running_mu_;
  std::unique_ptr<Running> running_;  // guarded by running_mu_

  // What the last successful Configure applied; only Configure's caller
  // (the main thread) touches it.
  std::optional<alerting::AlertingConfig> applied_;

  std::thread store_thread_;
};

}  // namespace memwatch::app
