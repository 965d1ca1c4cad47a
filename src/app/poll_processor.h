// Turns each finished poll into findings, alerts and metrics: parse the
// INFO text, feed the target's check engine, log what changed, evaluate the
// alert state machine and hand its notifications to the sink, switch the
// target's polling to fast or back, update the metrics store. Runs on the
// poller thread; owns the per-target check and alert state. Not
// thread-safe: the daemon serialises Process and Reconfigure.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "alerting/alert_state.h"
#include "alerting/notification.h"
#include "checks/target_monitor.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "poller/poller.h"

namespace memwatch::app {

// Where the processor's effects outside the metrics store go. Either may
// be empty (no alert delivery, no adaptive polling).
struct PollProcessorHooks {
  // Receives each evaluation's notifications; must not block.
  std::function<void(std::vector<alerting::Notification>)> notify;
  // Polls target `name` at `interval`, or at the normal one for nullopt.
  std::function<void(const std::string& name, std::optional<Duration> interval)> set_fast_interval;
  // Keeps this run's notification ids apart from an earlier run's.
  uint64_t id_nonce = 0;
};

class PollProcessor {
 public:
  PollProcessor(const config::Config& config, metrics::MetricsStore* store,
                PollProcessorHooks hooks = {});

  // Applies a new config (reload): unchanged targets keep their history.
  void Reconfigure(const config::Config& config);

  // Handles one poll result. Monotonic time comes from the result
  // (`finished`); `wall_now` is only for what people read.
  void Process(const poller::PollResult& result, WallTime wall_now);

  // True iff target `name` is currently polled at the fast interval.
  bool FastPolling(const std::string& name) const;

  // True once every target has produced at least one result.
  bool FirstRoundComplete() const { return pending_first_ == 0; }

  static std::vector<poller::PollTarget> PollTargets(const config::Config& config);

 private:
  struct Target {
    std::string name;
    std::string display_address;
    std::optional<int64_t> memory_limit;
    std::unique_ptr<checks::TargetMonitor> monitor;
    std::vector<Finding> active;  // findings after the last poll
    bool seen = false;
    bool parse_warned = false;
    bool fast = false;                     // polled at fast_interval
    std::optional<int64_t> previous_used;  // used_memory at the last successful poll
  };

  void UpdatePollingMode(Target& t, const Snapshot* snapshot, std::optional<EffectiveLimit> limit);

  void LogChanges(const Target& t, const std::vector<Finding>& next) const;

  metrics::MetricsStore* store_;
  PollProcessorHooks hooks_;
  alerting::AlertState alerts_;
  Duration fast_interval_;
  std::vector<Target> targets_;  // index = PollResult::target_index
  size_t pending_first_ = 0;
};

}  // namespace memwatch::app
