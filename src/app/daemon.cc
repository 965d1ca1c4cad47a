#include "app/daemon.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "config/config_loader.h"

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

timespec ToTimespec(std::chrono::microseconds d) {
  return {static_cast<time_t>(d.count() / 1000000), static_cast<long>(d.count() % 1000000) * 1000};
}

std::vector<std::string> ReceiverNames(const alerting::AlertingConfig& alerting) {
  std::vector<std::string> names;
  for (const alerting::ReceiverConfig& r : alerting.receivers) names.push_back(r.name);
  return names;
}

// How long the poller may report nothing before the daemon counts it as
// stuck and stops pinging the watchdog (so systemd restarts it). A target
// that keeps failing reports nothing while it backs off (up to
// backoff_max), and a poll can take a timeout for each of connect, AUTH and
// INFO.
Duration MaxQuiet(const config::Config& config) {
  return std::max(config.interval, PollerOptionsOf(config).backoff_max) + 3 * config.timeout +
         std::chrono::seconds(5);
}

void LogLines(spdlog::level::level_enum level, const std::string& text) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) spdlog::log(level, "  {}", line);
}

}  // namespace

void BlockDaemonSignals() {
  sigset_t set = DaemonSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Daemon::Daemon(config::Config config, std::string config_path, DaemonDeps deps)
    : config_path_(std::move(config_path)),
      deps_(deps),
      store_(MEMWATCH_VERSION),
      endpoint_(&store_),
      delivery_(&notification_metrics_, deps.clock),
      targets_(&store_),
      reloader_(targets_.SetBase(std::move(config), WallSeconds()), this),
      sampling_(reloader_.running(), &store_, &families_, deps.clock),
      evictions_(reloader_.running(), &families_, deps.clock),
      polling_(reloader_.running(), &store_, &delivery_, deps.clock, deps.id_nonce),
      files_watch_([this] { OnTargetsFilesChanged(); }),
      discovery_(
          [this](const config::TargetConfig& group, std::function<void()> wake) {
            return MakeGroupDiscoverer(group, std::move(wake), &families_);
          },
          [this](const std::string& group, std::vector<DiscoveredNode> nodes) {
            OnDiscovered(group, std::move(nodes));
          },
          [this](const std::string& group, std::vector<Finding> findings) {
            polling_.SubmitGroupFindings(group, std::move(findings));
          }) {
  targets_.PublishPlacements(reloader_.running());
  polling_.SetKeyFamilySource(&families_);
  evictions_.SetEvictionObserver([this](const std::string& target) { polling_.PollSoon(target); });
  polling_.SetHealthObserver([this](const PolledHealth& h) {
    sampling_.OnPollHealth(h.target, {.down = h.down,
                                      .replica = h.replica,
                                      .near_limit = h.near_limit,
                                      .slow = h.slow,
                                      .keys = h.keys});
  });
}

Daemon::~Daemon() { Stop(); }

int Daemon::Start() {
  const config::Config& config = reloader_.running();
  endpoint_.SetRoutePrefix(config.route_prefix);
  if (Status s = endpoint_.Listen(config.listen); !s.ok()) {
    spdlog::critical("{}", s.message());
    return kExitListen;
  }
  store_.RecordReload(true, WallSeconds());
  spdlog::info("redis-memwatch {} watching {} target(s) every {} ms; metrics on {}",
               MEMWATCH_VERSION, config.targets.size(), config.interval.count(),
               endpoint_.MetricsUrl());
  store_.SetNotificationMetrics(&notification_metrics_);
  // Before the first poll, so what an earlier run left in the outbox goes
  // out at once.
  if (Status s = ConfigureAlerting(config.alerting); !s.ok()) {
    spdlog::critical("{}", s.message());
    return kExitFailure;
  }
  if (!config.alerting.receivers.empty()) {
    spdlog::info("alerting to {} receiver(s); outbox in {}/outbox",
                 config.alerting.receivers.size(), config.alerting.state_dir);
  }
  sampling_.Start();
  evictions_.Start();
  polling_.Start();
  if (!targets_.patterns().empty()) files_watch_.Watch(targets_.patterns());
  ApplyDiscovery();
  return kExitOk;
}

int Daemon::Run() {
  const sigset_t signals = DaemonSignals();
  // Until ready, wake often to notice the first round promptly; then only
  // for signals and, under a watchdog, to ping it thrice per period.
  const std::optional<std::chrono::microseconds> watchdog = deps_.notifier->WatchdogPeriod();
  const timespec busy_tick = ToTimespec(std::chrono::milliseconds(100));
  const timespec idle_tick = ToTimespec(watchdog ? *watchdog / 3 : std::chrono::hours(1));
  for (;;) {
    UpdateReadiness();
    if (watchdog) PingWatchdog();
    const int sig = sigtimedwait(&signals, nullptr, ready_ ? &idle_tick : &busy_tick);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
      break;
    }
    if (sig == SIGHUP) Reload();
  }
  Stop();
  return kExitOk;
}

void Daemon::Reload() {
  deps_.notifier->Reloading();
  config::LoadResult loaded = config::LoadConfigFile(config_path_, config::ProcessEnv());
  if (!loaded.ok()) {
    store_.RecordReload(false, WallSeconds());
    spdlog::error("reload of {} failed; keeping the running config:", config_path_);
    LogLines(spdlog::level::err, config::ErrorReport(loaded.errors));
  } else {
    std::lock_guard lock(apply_mu_);
    const ReloadOutcome outcome =
        reloader_.Apply(targets_.SetBase(std::move(*loaded.config), WallSeconds()));
    targets_.PublishPlacements(reloader_.running());
    if (!targets_.patterns().empty()) files_watch_.Watch(targets_.patterns());
    store_.RecordReload(outcome.ok(), WallSeconds());
    const config::Config& now = reloader_.running();
    spdlog::info("reloaded {}: {} target(s), {} receiver(s); changed: {}", config_path_,
                 now.targets.size(), now.alerting.receivers.size(),
                 DescribeChanges(outcome.changes));
    for (const std::string& failure : outcome.failures) {
      spdlog::error("reload of {}: not applied: {}", config_path_, failure);
    }
  }
  ApplyDiscovery();
  deps_.notifier->Ready();
}

void Daemon::ApplyDiscovery() {
  std::vector<config::TargetConfig> groups;
  {
    std::lock_guard lock(apply_mu_);
    groups = targets_.groups();
  }
  discovery_.Apply(groups);
}

void Daemon::OnDiscovered(const std::string& group, std::vector<DiscoveredNode> nodes) {
  std::lock_guard lock(apply_mu_);
  std::optional<config::Config> next = targets_.SetDiscovered(group, std::move(nodes));
  if (!next) return;
  const ReloadOutcome outcome = reloader_.Apply(std::move(*next));
  targets_.PublishPlacements(reloader_.running());
  spdlog::info("{}: {} target(s) now; changed: {}", group, reloader_.running().targets.size(),
               DescribeChanges(outcome.changes));
  for (const std::string& failure : outcome.failures) {
    spdlog::error("{}: discovered nodes not applied: {}", group, failure);
  }
}

void Daemon::OnTargetsFilesChanged() {
  std::lock_guard lock(apply_mu_);
  std::optional<config::Config> next = targets_.Refresh(WallSeconds());
  if (!next) return;
  const ReloadOutcome outcome = reloader_.Apply(std::move(*next));
  targets_.PublishPlacements(reloader_.running());
  spdlog::info("targets files: {} target(s); changed: {}", reloader_.running().targets.size(),
               DescribeChanges(outcome.changes));
  for (const std::string& failure : outcome.failures) {
    spdlog::error("targets files: not applied: {}", failure);
  }
}

void Daemon::Stop() {
  if (stopped_) return;
  stopped_ = true;
  files_watch_.Stop();
  discovery_.Stop();  // before polling_, which its callbacks use
  deps_.notifier->Stopping();
  evictions_.Stop();  // first: it asks polling_ for polls
  polling_.Stop();
  spdlog::debug("poller stopped");
  sampling_.Stop();
  spdlog::debug("keyspace sampler stopped");
  delivery_.Stop();
  endpoint_.Close();
  spdlog::debug("http server stopped");
}

Status Daemon::Listen(const std::string& address) {
  Status s = endpoint_.Listen(address);
  if (s.ok()) spdlog::info("metrics now on {}", endpoint_.MetricsUrl());
  return s;
}

Status Daemon::ConfigureAlerting(const alerting::AlertingConfig& alerting) {
  notification_metrics_.SetReceivers(ReceiverNames(alerting));
  return delivery_.Configure(alerting);
}

void Daemon::ApplyPolling(const config::Config& config) {
  polling_.Apply(config);
  sampling_.Apply(config);
  evictions_.Apply(config);
}

void Daemon::UpdateReadiness() {
  if (ready_ || !polling_.FirstRoundComplete()) return;
  ready_ = true;
  endpoint_.SetReady();
  deps_.notifier->Ready();
  spdlog::info("first poll round complete; ready");
}

void Daemon::PingWatchdog() {
  // Only while the poller makes progress, so a stuck poll loop gets the
  // daemon restarted.
  Duration max_quiet{};
  {
    std::lock_guard lock(apply_mu_);
    max_quiet = MaxQuiet(reloader_.running());
  }
  if (deps_.clock->Now() - polling_.LastActivity() < max_quiet) {
    deps_.notifier->Watchdog();
  }
}

double Daemon::WallSeconds() const {
  return std::chrono::duration<double>(deps_.clock->WallNow().time_since_epoch()).count();
}

int RunDaemon(config::Config config, const std::string& config_path, SystemdNotifier* notifier) {
  SystemClock clock;
  Daemon daemon(std::move(config), config_path, DaemonDeps{&clock, notifier});
  if (int code = daemon.Start(); code != kExitOk) return code;
  return daemon.Run();
}

}  // namespace memwatch::app
