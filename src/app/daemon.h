// The daemon: the metrics endpoint, alert delivery and polling, started
// from one configuration, reconfigured in place on SIGHUP, and stopped on
// SIGTERM or SIGINT. Signals are blocked in every thread and taken
// synchronously by the main loop (sigtimedwait), so no code runs in signal
// context.
//
// Threads: the main thread runs Run() (signals, reloads, readiness and the
// systemd watchdog); Polling runs the poller thread, which parses, checks
// and evaluates alerts; AlertDelivery runs a store thread and one worker per
// receiver; KeyspaceSampling runs the keyspace sampler thread and
// EvictionWatch one thread per target with protected keys;
// DiscoveryRunner one thread per Sentinel group or cluster; the HTTP
// server reads requests on one thread and writes /metrics on two.
#pragma once

#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "app/alert_delivery.h"
#include "app/discovery_runner.h"
#include "app/eviction_watch.h"
#include "app/keyspace_sampling.h"
#include "app/metrics_endpoint.h"
#include "app/polling.h"
#include "app/reloader.h"
#include "app/systemd_notify.h"
#include "app/target_source.h"
#include "app/targets_files_watch.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "metrics/notification_metrics.h"

namespace memwatch::app {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; call before any
// thread is started so every thread inherits the mask.
void BlockDaemonSignals();

struct DaemonDeps {
  const Clock* clock;
  SystemdNotifier* notifier;
  uint64_t id_nonce = std::random_device{}();  // see PollProcessor
};

class Daemon final : private Reloadable {
 public:
  // `config_path` is re-read by Reload(). Starts nothing yet.
  Daemon(config::Config config, std::string config_path, DaemonDeps deps);
  ~Daemon() override;  // Stop()
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Binds the endpoint, starts alert delivery (what an earlier run left in
  // the outbox goes out at once) and then polling. Returns kExitOk, or the
  // exit code of what failed (logged): kExitListen, kExitFailure.
  int Start();
  // Until SIGTERM or SIGINT; SIGHUP calls Reload(). Returns the exit code.
  int Run();
  // Re-reads the config file and applies it (see Reloader); the outcome
  // goes to the log and redis_memwatch_config_last_reload_successful.
  void Reload();
  // Polling and keyspace sampling first, then delivery (every notification the last polls made
  // is stored before its workers stop), then the endpoint. Idempotent.
  void Stop();

 private:
  // Reloadable
  Status Listen(const std::string& address) override;
  void SetRoutePrefix(const std::string& prefix) override { endpoint_.SetRoutePrefix(prefix); }
  Status ConfigureAlerting(const alerting::AlertingConfig& alerting) override;
  void ApplyPolling(const config::Config& config) override;

  // On the targets files watcher's thread: re-reads the files and applies
  // what changed as a reload does (Reloader), under apply_mu_.
  void OnTargetsFilesChanged();

  // On a group's discovery thread: applies the nodes found for `group` as
  // a reload does, under apply_mu_.
  void OnDiscovered(const std::string& group, std::vector<DiscoveredNode> nodes);
  // Runs discovery for the groups of the running config. Not under
  // apply_mu_ (the runner joins threads that take it).
  void ApplyDiscovery();

  // Marks the daemon ready once the first poll round is complete.
  void UpdateReadiness();
  // Pings the watchdog iff the poller made progress recently.
  void PingWatchdog();
  double WallSeconds() const;

  const std::string config_path_;
  const DaemonDeps deps_;
  // Declaration order is construction order: what reads the store and the
  // notification metrics is declared after them, so it is destroyed first.
  metrics::MetricsStore store_;
  metrics::NotificationMetrics notification_metrics_;
  MetricsEndpoint endpoint_;
  AlertDelivery delivery_;
  // Serialises what applies a config: Reload() on the main thread and
  // OnTargetsFilesChanged() on the watcher's; guards targets_ and reloader_.
  std::mutex apply_mu_;
  TargetSource targets_;  // before reloader_, which starts from what it builds
  Reloader reloader_;
  KeyFamilyBoard families_;  // before sampling_ and polling_, which use it
  KeyspaceSampling sampling_;
  EvictionWatch evictions_;
  Polling polling_;
  TargetsFilesWatch files_watch_;  // after what its callback uses
  DiscoveryRunner discovery_;      // after what its callbacks use
  bool ready_ = false;
  bool stopped_ = false;
};

// Runs the daemon until a stop signal; returns the process exit code.
int RunDaemon(config::Config config, const std::string& config_path, SystemdNotifier* notifier);

}  // namespace memwatch::app
