#include "app/target_list.h"

#include <set>
#include <utility>

#include <fmt/format.h>

#include "discovery/shard.h"

namespace memwatch::app {

bool InShard(const std::string& name, const std::optional<config::ShardConfig>& shard) {
  return !shard || discovery::ShardOf(name, shard->count) == shard->index;
}

std::string ShardLabel(const std::optional<config::ShardConfig>& shard) {
  return shard ? fmt::format("{}/{}", shard->index, shard->count) : "";
}

TargetList BuildTargetList(const config::Config& base,
                           const std::map<std::string, std::vector<config::FileTarget>>& files) {
  TargetList out;
  out.config = base;
  std::vector<config::TargetConfig>& targets = out.config.targets;
  std::map<std::string, std::string> where;  // name -> where it was first defined
  for (const config::TargetConfig& t : targets) {
    where.emplace(t.name, fmt::format("{}:{}", base.source_file, t.line));
  }
  for (const auto& [file, entries] : files) {
    for (const config::FileTarget& ft : entries) {
      const std::string at = fmt::format("{}:{}:{}", ft.file, ft.line, ft.column);
      if (auto it = where.find(ft.name); it != where.end()) {
        out.skipped.push_back(fmt::format(
            "{}: target '{}' skipped: the name is already taken at {}", at, ft.name, it->second));
        continue;
      }
      Result<config::TargetConfig> t = config::MakeFileTarget(base, ft);
      if (!t.ok()) {
        out.skipped.push_back(
            fmt::format("{}: target '{}' skipped: {}", at, ft.name, t.status().message()));
        continue;
      }
      where.emplace(ft.name, at);
      targets.push_back(std::move(t).value());
    }
  }
  std::erase_if(targets,
                [&](const config::TargetConfig& t) { return !InShard(t.name, base.shard); });
  return out;
}

}  // namespace memwatch::app
