#include "app/target_source.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "app/target_list.h"

namespace memwatch::app {

config::Config TargetSource::SetBase(config::Config base, double wall_seconds) {
  base_ = std::move(base);
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

config::Config TargetSource::Build() {
  TargetList list = BuildTargetList(base_, files_.content());
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
    placements[t.name] = {"", shard, t.targets_file.empty() ? "config" : "file"};
  }
  store_->SetTargetPlacements(std::move(placements));
}

}  // namespace memwatch::app
