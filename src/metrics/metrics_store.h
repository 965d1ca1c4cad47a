// The latest state of every target, kept compact and turned into Prometheus
// metric families only when /metrics is scraped. Written by the poller
// thread after each poll, read by the HTTP threads; every member below is
// guarded by mu_.
//
// Why not one prometheus::Gauge per series: with 1,000 targets and ~70 series
// each, per-series objects cost tens of MiB; this store keeps one Snapshot per
// target and builds the families on demand.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "checks/observation.h"
#include "checks/target_monitor.h"
#include "memwatch/finding.h"
#include "memwatch/snapshot.h"

namespace memwatch::metrics {

// Upper bounds (seconds) of the probe-duration and poll-lag histograms.
inline constexpr std::array<double, 12> kLatencyBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};

// What one finished poll changed for one target.
struct TargetUpdate {
  checks::PollFailure failure = checks::PollFailure::kNone;
  double probe_seconds = 0;
  std::optional<Snapshot> snapshot;  // set iff failure == kNone
  std::vector<Finding> findings;     // active after this poll
  std::optional<checks::EffectiveLimit> limit;
  std::optional<double> time_to_full_seconds;
  double wall_seconds = 0;  // Unix time of the poll, for the last-success gauge
};

class Histogram {
 public:
  void Observe(double v);
  void AppendTo(prometheus::ClientMetric* m) const;

 private:
  std::array<uint64_t, kLatencyBuckets.size()> counts_{};  // non-cumulative
  uint64_t count_ = 0;
  double sum_ = 0;
};

class MetricsStore {
 public:
  explicit MetricsStore(std::string version);

  // Keeps the state of targets whose name is in `names`, drops the others,
  // adds empty state for new ones (they export nothing until polled).
  void SetTargets(const std::vector<std::string>& names);
  void Record(const std::string& target, TargetUpdate update);
  void RecordLag(double seconds);
  // The outcome of the last config (re)load; `wall_seconds` is Unix time.
  void RecordReload(bool successful, double wall_seconds);

  // Writes the Prometheus text exposition of every family. Families are
  // built and serialized one at a time, each under a short hold of mu_, so a
  // scrape neither holds a copy of everything nor stalls the poller long.
  void WriteText(std::ostream& out) const;

  // Everything at once, for tests.
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  struct TargetState {
    bool polled = false;
    bool up = false;
    std::optional<Snapshot> snapshot;  // last successful poll while up
    std::vector<Finding> findings;
    std::optional<checks::EffectiveLimit> limit;
    std::optional<double> time_to_full_seconds;
    std::optional<double> last_success_wall;
    Histogram probe;
    std::array<uint64_t, 9> poll_errors{};  // by PollFailure
  };

  // Calls `sink` once per family, building each under its own hold of mu_.
  void ForEachFamily(const std::function<void(const prometheus::MetricFamily&)>& sink) const;

  const std::string version_;
  mutable std::mutex mu_;
  std::map<std::string, TargetState, std::less<>> targets_;  // guarded by mu_
  Histogram lag_;                                            // guarded by mu_
  bool reload_ok_ = true;                                    // guarded by mu_
  double reload_success_wall_ = 0;                           // guarded by mu_
};

}  // namespace memwatch::metrics
