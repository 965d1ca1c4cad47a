#include "app/alert_delivery.h"

#include <map>
#include <random>
#include <string>

#include <spdlog/spdlog.h>

#include "alerting/dispatcher.h"
#include "alerting/notifier.h"
#include "alerting/outbox.h"
#include "alerting/posix_file_system.h"
#include "alerting/sleeper.h"
#include "net/curl_http_client.h"
#include "net/curl_smtp_client.h"
#include "notify/notifier_factory.h"

namespace memwatch::app {

// Declaration order is destruction order reversed: the dispatcher (whose
// workers use everything else) goes first.
struct AlertDelivery::Running {
  net::CurlHttpClient http;
  net::CurlSmtpClient smtp;
  alerting::PosixFileSystem fs;
  alerting::CondVarSleeper sleeper;
  std::vector<std::unique_ptr<alerting::Notifier>> notifiers;
  std::unique_ptr<alerting::Outbox> outbox;
  std::unique_ptr<alerting::Dispatcher> dispatcher;
};

AlertDelivery::AlertDelivery(alerting::DispatchObserver* observer, const Clock* clock)
    : observer_(observer), clock_(clock) {
  store_thread_ = std::thread([this] { StoreLoop(); });
}

AlertDelivery::~AlertDelivery() { Stop(); }

Status AlertDelivery::Configure(const alerting::AlertingConfig& config) {
  if (applied_ == config) return Status::Ok();
  // Where the receivers that run now keep their outbox, if any run.
  const std::string old_state_dir = applied_ ? applied_->state_dir : std::string();
  applied_.reset();
  std::unique_ptr<Running> next;
  if (!config.receivers.empty()) {
    next = std::make_unique<Running>();
    const notify::NotifierDeps deps{&next->http, &next->smtp, clock_};
    std::map<std::string, alerting::Notifier*, std::less<>> by_name;
    for (const alerting::ReceiverConfig& r : config.receivers) {
      next->notifiers.push_back(notify::MakeNotifier(r, config, deps));
      by_name.emplace(r.name, next->notifiers.back().get());
    }
    next->outbox = std::make_unique<alerting::Outbox>(
        &next->fs, alerting::OutboxOptions{.state_dir = config.state_dir});
    alerting::DispatcherOptions options;
    options.seed = std::random_device{}();
    next->dispatcher = std::make_unique<alerting::Dispatcher>(
        next->outbox.get(), std::move(by_name), clock_, &next->sleeper, observer_, options);
  }
  // The old workers stop before the new ones recover the same outbox: two
  // dispatchers must never claim the same files.
  std::lock_guard lock(running_mu_);
  const bool was_running = running_ != nullptr;
  if (running_) running_->dispatcher->Stop();
  running_.reset();
  if (!next) {
    // The receivers just removed may leave notifications behind: a
    // dispatcher with none moves them aside, as a start does.
    if (was_running) MoveAsidePending(old_state_dir);
    applied_ = config;
    return Status::Ok();
  }
  Result<alerting::RecoveryReport> started = next->dispatcher->Start();
  if (!started.ok()) {
    return Status::Error("alerting: cannot use state_dir " + config.state_dir + ": " +
                         started.status().message());
  }
  running_ = std::move(next);
  applied_ = config;
  return Status::Ok();
}

void AlertDelivery::MoveAsidePending(const std::string& state_dir) {
  Running r;
  r.outbox =
      std::make_unique<alerting::Outbox>(&r.fs, alerting::OutboxOptions{.state_dir = state_dir});
  r.dispatcher = std::make_unique<alerting::Dispatcher>(
      r.outbox.get(), std::map<std::string, alerting::Notifier*, std::less<>>{}, clock_, &r.sleeper,
      observer_);
  if (Result<alerting::RecoveryReport> done = r.dispatcher->Start(); !done.ok()) {
    spdlog::error("alerting: cannot move aside what removed receivers left in {}: {}", state_dir,
                  done.status().message());
  }
  r.dispatcher->Stop();
}

void AlertDelivery::Submit(std::vector<alerting::Notification> notifications) {
  if (notifications.empty()) return;
  {
    std::lock_guard lock(queue_mu_);
    for (alerting::Notification& n : notifications) queue_.push_back(std::move(n));
  }
  queue_cv_.notify_all();
}

bool AlertDelivery::Active() const {
  std::lock_guard lock(running_mu_);
  return running_ != nullptr;
}

void AlertDelivery::StoreLoop() {
  for (;;) {
    alerting::Notification n;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      // Everything submitted before Stop() is stored before the thread ends.
      if (queue_.empty()) return;
      n = std::move(queue_.front());
      queue_.pop_front();
    }
    std::lock_guard lock(running_mu_);
    if (running_ == nullptr) {
      spdlog::error("alerting: notification {} about {} to {} dropped: no receiver is running",
                    n.id, n.target, n.receiver);
      continue;
    }
    Status s = running_->dispatcher->Submit(n);
    if (!s.ok()) {
      spdlog::error("alerting: notification {} about {} to {} not queued: {}", n.id, n.target,
                    n.receiver, s.message());
    }
  }
}

void AlertDelivery::Stop() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (store_thread_.joinable()) store_thread_.join();
  std::lock_guard lock(running_mu_);
  if (running_) running_->dispatcher->Stop();
  running_.reset();
}

}  // namespace memwatch::app
