// Discovery of a Sentinel group (issue 15): see group_discovery.h.
//
// Each Discover() asks every configured sentinel, on a connection kept open
// between rounds (one second each, in turn): SENTINEL GET-MASTER-ADDR-BY-NAME,
// REPLICAS, MASTER and SENTINELS. GroupState reconciles the answers: the
// nodes are the primary the majority names ("primary") and the replicas no
// sentinel that agrees reports down ("replica"); SentinelFindings makes the
// group's findings (failover, sentinel_quorum, sentinels_disagree). A
// SentinelSubscription per group follows +switch-master and the like: the
// switch is applied to GroupState at the next Discover(), which it wakes.
#pragma once

#include <functional>
#include <memory>

#include "app/group_discovery.h"
#include "config/config.h"

namespace memwatch::app {

// `group.sentinel` must be set.
std::unique_ptr<GroupDiscoverer> MakeSentinelDiscoverer(const config::TargetConfig& group,
                                                        std::function<void()> wake);

}  // namespace memwatch::app
