// Groups (Sentinel, Cluster) in the target list: each group target is
// replaced by a target per data node its discovery found, named after the
// group and the node's address and inheriting the group's credentials, TLS
// and check settings. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/group_discovery.h"
#include "config/config.h"

namespace memwatch::app {

using DiscoveredGroups = std::map<std::string, std::vector<DiscoveredNode>>;

// Moves the group targets of `targets` to the result and appends, for each,
// the nodes `discovered` holds for it (none yet: none), in their order.
std::vector<config::TargetConfig> ExpandGroups(std::vector<config::TargetConfig>& targets,
                                               const DiscoveredGroups& discovered);

// The target that polls `node` of `group`.
config::TargetConfig NodeTarget(const config::TargetConfig& group, const DiscoveredNode& node);

}  // namespace memwatch::app
