// The targets a daemon runs: the config's own, then those of its targets
// files, then only this daemon's shard of them. Pure: the files' content is
// an argument (TargetsFiles reads it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/targets_file.h"

namespace memwatch::app {

struct TargetList {
  config::Config config;  // the base config with the effective targets
  // One line per entry that was skipped, "FILE:LINE:COLUMN: message": a
  // name already taken (by the config or an earlier file), or a target
  // that breaks a rule (config::MakeFileTarget). Never a secret.
  std::vector<std::string> skipped;
};

// `files` maps each targets file to its last good content. Files are taken
// in path order, each in its own order; the first entry of a name wins.
// Then, with base.shard set, only the targets InShard keeps remain.
TargetList BuildTargetList(const config::Config& base,
                           const std::map<std::string, std::vector<config::FileTarget>>& files);

// True iff `name` belongs to `shard`: discovery::ShardOf(name, count) ==
// index (Prometheus's hashmod). Without a shard, every name does.
bool InShard(const std::string& name, const std::optional<config::ShardConfig>& shard);

// "INDEX/COUNT", or "" without sharding: the `shard` label of target_info.
std::string ShardLabel(const std::optional<config::ShardConfig>& shard);

}  // namespace memwatch::app
