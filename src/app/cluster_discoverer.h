// Discovery of a Cluster group (issue 15): see group_discovery.h.
#pragma once

#include <functional>
#include <memory>

#include "app/group_discovery.h"
#include "config/config.h"

namespace memwatch::app {

// `group.cluster` must be set.
std::unique_ptr<GroupDiscoverer> MakeClusterDiscoverer(const config::TargetConfig& group,
                                                       std::function<void()> wake);

}  // namespace memwatch::app
