#include "app/daemon.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/alert_delivery.h"
#include "app/cli.h"
#include "app/poll_processor.h"
#include "config/config_loader.h"
#include "metrics/http_server.h"
#include "metrics/metrics_store.h"
#include "metrics/notification_metrics.h"
#include "poller/poller.h"

namespace memwatch::app {
namespace {

sigset_t DaemonSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

poller::PollerOptions OptionsOf(const config::Config& c) {
  poller::PollerOptions o;
  o.interval = c.interval;
  o.timeout = c.timeout;
  return o;
}

}  // namespace

void BlockDaemonSignals() {
  sigset_t set = DaemonSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int RunDaemon(config::Config config, const std::string& config_path, SystemdNotifier* notifier) {
  metrics::MetricsStore store(MEMWATCH_VERSION);
  Result<std::unique_ptr<metrics::HttpServer>> http =
      metrics::HttpServer::Start(config.listen, &store);
  if (!http.ok()) {
    spdlog::critical("{}", http.status().message());
    return kExitListen;
  }
  std::unique_ptr<metrics::HttpServer> server = std::move(http).value();
  auto wall_seconds = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  store.RecordReload(true, wall_seconds());
  spdlog::info(
      "redis-memwatch {} watching {} target(s) every {} ms; metrics on http://{}/metrics",
      MEMWATCH_VERSION, config.targets.size(), config.interval.count(),
      // Report the bound port: with port 0 the OS picked it.
      config.listen.substr(0, config.listen.rfind(':') + 1) + std::to_string(server->port()));

  // Alert delivery runs before the first poll so that what an earlier run
  // left in the outbox goes out at once.
  SystemClock clock;
  metrics::NotificationMetrics notification_metrics;
  std::vector<std::string> receiver_names;
  for (const auto& r : config.alerting.receivers) receiver_names.push_back(r.name);
  notification_metrics.SetReceivers(receiver_names);
  store.SetNotificationMetrics(&notification_metrics);
  AlertDelivery delivery(&notification_metrics, &clock);
  if (Status s = delivery.Configure(config.alerting); !s.ok()) {
    spdlog::critical("{}", s.message());
    server.reset();  // no scrape may outlive notification_metrics
    return kExitFailure;
  }
  if (!config.alerting.receivers.empty()) {
    spdlog::info("alerting to {} receiver(s); outbox in {}/outbox",
                 config.alerting.receivers.size(), config.alerting.state_dir);
  }

  // Guards processor: the poller thread calls Process, a reload calls Reconfigure.
  std::mutex processor_mu;
  poller::Poller* poller_ptr = nullptr;  // set below, before the poller runs
  PollProcessorHooks hooks;
  hooks.notify = [&delivery](std::vector<alerting::Notification> n) {
    delivery.Submit(std::move(n));
  };
  hooks.set_fast_interval = [&poller_ptr](const std::string& name, std::optional<Duration> iv) {
    poller_ptr->SetFastInterval(name, iv);
  };
  hooks.id_nonce = std::random_device{}();
  PollProcessor processor(config, &store, std::move(hooks));
  std::atomic<int64_t> last_activity_ns{0};
  std::atomic<bool> first_round{false};
  auto now_ns = [] { return std::chrono::steady_clock::now().time_since_epoch().count(); };
  last_activity_ns = now_ns();

  poller::Poller poller(OptionsOf(config), PollProcessor::PollTargets(config),
                        [&](const poller::PollResult& r) {
                          std::lock_guard lock(processor_mu);
                          processor.Process(r, std::chrono::system_clock::now());
                          last_activity_ns = now_ns();
                          if (!first_round && processor.FirstRoundComplete()) {
                            first_round = true;
                          }
                        });
  poller_ptr = &poller;
  std::thread poll_thread([&] { poller.Run(); });

  bool ready_sent = false;
  std::optional<std::chrono::microseconds> watchdog = notifier->WatchdogPeriod();
  sigset_t signals = DaemonSignals();
  // Upper bound on how long the loop sleeps: short enough to notice the
  // first round promptly and ping the watchdog well within its period.
  const timespec tick{0, 100L * 1000 * 1000};
  // Once ready, wake only for signals and, under a watchdog, to ping it.
  timespec idle_tick{3600, 0};
  if (watchdog) {
    const auto third = *watchdog / 3;
    idle_tick = {static_cast<time_t>(third.count() / 1000000),
                 static_cast<long>(third.count() % 1000000) * 1000};
  }
  int exit_code = kExitOk;
  for (;;) {
    if (!ready_sent && first_round.load()) {
      ready_sent = true;
      server->SetReady(true);
      notifier->Ready();
      spdlog::info("first poll round complete; ready");
    }
    if (watchdog) {
      // Ping only while the poller makes progress, so a stuck poll loop
      // gets the daemon restarted.
      // A target that keeps failing reports nothing while it backs off
      // (up to backoff_max), and a poll can take a timeout for each of
      // connect, AUTH and INFO.
      auto quiet = std::chrono::nanoseconds(now_ns() - last_activity_ns.load());
      const auto max_quiet = std::max(config.interval, OptionsOf(config).backoff_max) +
                             3 * config.timeout + std::chrono::seconds(5);
      if (quiet < max_quiet) {
        notifier->Watchdog();
      }
    }
    int sig = sigtimedwait(&signals, nullptr, ready_sent ? &idle_tick : &tick);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) {
      notifier->Reloading();
      config::LoadResult next = config::LoadConfigFile(config_path, config::ProcessEnv());
      store.RecordReload(next.ok(), wall_seconds());
      if (!next.ok()) {
        spdlog::error("reload of {} failed; keeping the running config:", config_path);
        std::istringstream report(config::ErrorReport(next.errors));
        for (std::string line; std::getline(report, line);) spdlog::error("  {}", line);
      } else {
        config = std::move(*next.config);
        {
          std::lock_guard lock(processor_mu);
          processor.Reconfigure(config);
          poller.SetTargets(PollProcessor::PollTargets(config));
        }
        receiver_names.clear();
        for (const auto& r : config.alerting.receivers) receiver_names.push_back(r.name);
        notification_metrics.SetReceivers(receiver_names);
        if (Status s = delivery.Configure(config.alerting); !s.ok()) {
          spdlog::error("{}; alerts are not delivered until a reload succeeds", s.message());
        }
        spdlog::info("reloaded {}: {} target(s), {} receiver(s)", config_path,
                     config.targets.size(), config.alerting.receivers.size());
      }
      notifier->Ready();
    }
  }
  notifier->Stopping();
  poller.Stop();
  poll_thread.join();
  spdlog::debug("poller stopped");
  // After the poller: every notification the last polls produced is stored
  // in the outbox before the workers stop.
  delivery.Stop();
  server.reset();
  spdlog::debug("http server stopped");
  return exit_code;
}

}  // namespace memwatch::app
