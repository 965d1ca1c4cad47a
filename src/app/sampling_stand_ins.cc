#include "app/sampling_stand_ins.h"

#include <utility>

namespace memwatch::app {

std::map<std::string, std::string> SamplingStandIns(const config::Config& config) {
  // (group, shard) -> its primary and its first replica by name.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> sets;
  for (const config::TargetConfig& t : config.targets) {
    if (t.group.empty() || t.keyspace.enabled) continue;
    auto& [primary, replica] = sets[{t.group, t.shard}];
    if (t.role == "primary" && primary.empty()) primary = t.name;
    if (t.role == "replica" && (replica.empty() || t.name < replica)) replica = t.name;
  }
  std::map<std::string, std::string> out;
  for (const auto& [key, nodes] : sets) {
    if (!nodes.first.empty() && !nodes.second.empty()) out[nodes.first] = nodes.second;
  }
  return out;
}

}  // namespace memwatch::app
