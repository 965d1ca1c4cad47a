// The daemon's targets: the config as loaded (the base) merged with the
// targets files' last good content and cut to this daemon's shard
// (BuildTargetList). Publishes the targets files' status and each target's
// placement (redis_memwatch_target_info) to the store. Groups are replaced
// by the nodes their discovery found (ExpandGroups). Not thread-safe:
// the daemon calls it under its apply lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/group_nodes.h"
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
  // What discovery found for `group`; returns the config to run iff the
  // group is in this daemon's share and its nodes changed.
  std::optional<config::Config> SetDiscovered(const std::string& group,
                                              std::vector<DiscoveredNode> nodes);
  // The groups of this daemon's share (in the last config built), for the
  // discovery runner.
  const std::vector<config::TargetConfig>& groups() const { return groups_; }
  const std::vector<std::string>& patterns() const { return base_.targets_files; }

  // Exports target_info for what `running` runs.
  void PublishPlacements(const config::Config& running) const;

 private:
  config::Config Build();

  metrics::MetricsStore* const store_;
  config::Config base_;
  TargetsFiles files_;
  std::vector<std::string> skipped_;  // as last logged
  DiscoveredGroups discovered_;       // group name -> its nodes, as last found
  std::vector<config::TargetConfig> groups_;
};

}  // namespace memwatch::app
