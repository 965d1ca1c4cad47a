// Turns each finished poll into findings and metrics: parse the INFO text,
// feed the target's check engine, log what changed, update the metrics
// store. Runs on the poller thread; owns the per-target check state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checks/target_monitor.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "poller/poller.h"

namespace memwatch::app {

class PollProcessor {
 public:
  PollProcessor(const config::Config& config, metrics::MetricsStore* store);

  // Applies a new config (reload): unchanged targets keep their history.
  void Reconfigure(const config::Config& config);

  // Handles one poll result. `wall_now` is only for the timestamp metric.
  void Process(const poller::PollResult& result, WallTime wall_now);

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
  };

  void LogChanges(const Target& t, const std::vector<Finding>& next) const;

  metrics::MetricsStore* store_;
  std::vector<Target> targets_;  // index = PollResult::target_index
  size_t pending_first_ = 0;
};

}  // namespace memwatch::app
