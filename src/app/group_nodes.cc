#include "app/group_nodes.h"

#include <utility>

#include <fmt/format.h>

namespace memwatch::app {

std::string NodeTargetName(const std::string& group, const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return fmt::format("{}/[{}]:{}", group, endpoint.host, endpoint.port);
  }
  return fmt::format("{}/{}:{}", group, endpoint.host, endpoint.port);
}

config::TargetConfig NodeTarget(const config::TargetConfig& group, const DiscoveredNode& node) {
  config::TargetConfig t = group;
  t.sentinel.reset();
  t.cluster.reset();
  t.name = NodeTargetName(group.name, node.endpoint);
  t.endpoint = node.endpoint;
  t.display_address = t.name.substr(group.name.size() + 1);
  t.group = group.name;
  t.discovered_by = group.sentinel ? "sentinel" : "cluster";
  t.role = node.role;
  t.shard = node.shard;
  return t;
}

std::vector<config::TargetConfig> ExpandGroups(std::vector<config::TargetConfig>& targets,
                                               const DiscoveredGroups& discovered) {
  std::vector<config::TargetConfig> groups;
  std::vector<config::TargetConfig> kept;
  for (config::TargetConfig& t : targets) {
    if (t.IsGroup()) {
      groups.push_back(std::move(t));
    } else {
      kept.push_back(std::move(t));
    }
  }
  for (const config::TargetConfig& g : groups) {
    auto found = discovered.find(g.name);
    if (found == discovered.end()) continue;
    for (const DiscoveredNode& n : found->second) kept.push_back(NodeTarget(g, n));
  }
  targets = std::move(kept);
  return groups;
}

}  // namespace memwatch::app
