#include "app/target_source.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "app/target_list.h"

namespace memwatch::app {

config::Config TargetSource::SetBase(config::Config base, double wall_seconds) {
  base_ = std::move(base);
  // What was found for a group that is gone, or is now another kind of
  // group, is forgotten.
  std::erase_if(discovered_, [&](const auto& entry) {
    for (const config::TargetConfig& t : base_.targets) {
      if (t.name == entry.first && t.IsGroup()) return false;
    }
    return true;
  });
  files_.Refresh(base_.targets_files, wall_seconds);
  store_->SetTargetsFiles(files_.Statuses());
  return Build();
}

std::optional<config::Config> TargetSource::Refresh(double wall_seconds) {
  const bool changed = files_.Refresh(base_.targets_files, wall_seconds);
  store_->SetTargetsFiles(files_.Statuses());
  if (!changed) return std::nullopt;
  return Build();
}

std::optional<config::Config> TargetSource::SetDiscovered(const std::string& group,
                                                          std::vector<DiscoveredNode> nodes) {
  bool known = false;
  for (const config::TargetConfig& g : groups_) known = known || g.name == group;
  if (!known) return std::nullopt;
  auto [it, inserted] = discovered_.try_emplace(group);
  if (!inserted && it->second == nodes) return std::nullopt;
  it->second = std::move(nodes);
  return Build();
}

config::Config TargetSource::Build() {
  TargetList list = BuildTargetList(base_, files_.content());
  groups_ = ExpandGroups(list.config.targets, discovered_);
  // Logged when they change, not at every periodic re-read.
  if (list.skipped != skipped_) {
    for (const std::string& line : list.skipped) spdlog::error("{}", line);
    skipped_ = list.skipped;
  }
  if (base_.shard) {
    spdlog::info("shard {}: watching {} target(s)", ShardLabel(base_.shard),
                 list.config.targets.size());
  }
  return std::move(list.config);
}

void TargetSource::PublishPlacements(const config::Config& running) const {
  std::map<std::string, metrics::TargetPlacement, std::less<>> placements;
  const std::string shard = ShardLabel(running.shard);
  for (const config::TargetConfig& t : running.targets) {
    if (!t.discovered_by.empty()) {
      // A cluster node's shard is its cluster shard (a cluster is one
      // group: all its nodes are in this daemon's shard).
      placements[t.name] = {t.group, t.discovered_by == "cluster" ? t.shard : shard,
                            t.discovered_by, t.role};
    } else {
      placements[t.name] = {"", shard, t.targets_file.empty() ? "config" : "file"};
    }
  }
  store_->SetTargetPlacements(std::move(placements));
}

}  // namespace memwatch::app
