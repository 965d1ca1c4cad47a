// Per-target check engine: keeps a bounded, compact history of recent
// observations and the hysteresis state of each check, and turns every new
// observation into the list of active findings. Pure: time comes only from
// Observation::at; no clock, no I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check_settings.h"
#include "checks/counters.h"
#include "checks/history.h"
#include "checks/observation.h"
#include "checks/target_info.h"
#include "checks/trend.h"
#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"

namespace memwatch::checks {

class Check;

class TargetMonitor {
 public:
  TargetMonitor(TargetInfo info, CheckSettings settings);
  ~TargetMonitor();
  TargetMonitor(TargetMonitor&&) noexcept;
  TargetMonitor& operator=(TargetMonitor&&) noexcept;

  // Records `obs` and returns the findings active after it, in AllChecks()
  // order. Observations must come in non-decreasing `at` order.
  std::vector<Finding> Observe(const Observation& obs);

  // Applies new settings (config reload); history and active state are kept.
  void Reconfigure(TargetInfo info, CheckSettings settings);

  // Seconds until used memory reaches the effective limit (see
  // forecast.h); +infinity when not growing; nullopt before enough history.
  std::optional<double> TimeToFullSeconds() const;

  // Bytes of history kept (for the memory benchmark): the bucket ring plus
  // the checks' own baselines.
  size_t HistoryBytes() const;

 private:
  TargetInfo info_;
  CheckSettings settings_;
  History history_;
  // One per check, AllChecks() order, with the finding it last returned
  // (kept while polls fail; see Check::NeedsSnapshot()).
  // Sets time_to_full_, and *used_trend to the trend behind it; sets
  // *earliest_full (see EarliestReach).
  void UpdateForecast(const Snapshot& s, const EffectiveLimit& limit, MonoTime now,
                      std::optional<Trend>* used_trend, std::optional<double>* earliest_full);

  std::vector<std::unique_ptr<Check>> checks_;
  std::vector<std::optional<Finding>> last_;
  std::optional<Counters> previous_;  // counters of the last successful poll
  CachedTrend used_trend_;
  std::optional<double> time_to_full_;
  bool recent_forecast_ = false;  // time_to_full_ came from a recent trend
};

}  // namespace memwatch::checks
