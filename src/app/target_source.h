// The daemon's targets: the config as loaded (the base) merged with the
// targets files' last good content and cut to this daemon's shard
// (BuildTargetList). Publishes the targets files' status and each target's
// placement (redis_memwatch_target_info) to the store. Not thread-safe:
// the daemon calls it under its apply lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/targets_files.h"
#include "config/config.h"
#include "metrics/metrics_store.h"

namespace memwatch::app {

class TargetSource {
 public:
  explicit TargetSource(metrics::MetricsStore* store) : store_(store) {}

  // A newly loaded config: reads its targets files; returns the config to
  // run.
  config::Config SetBase(config::Config base, double wall_seconds);
  // Re-reads the targets files; returns the config to run iff their content
  // changed.
  std::optional<config::Config> Refresh(double wall_seconds);
  const std::vector<std::string>& patterns() const { return base_.targets_files; }

  // Exports target_info for what `running` runs.
  void PublishPlacements(const config::Config& running) const;

 private:
  config::Config Build();

  metrics::MetricsStore* const store_;
  config::Config base_;
  TargetsFiles files_;
  std::vector<std::string> skipped_;  // as last logged
};

}  // namespace memwatch::app
