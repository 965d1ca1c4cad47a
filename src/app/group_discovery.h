// What the daemon asks of a group's discovery (issue 15): a Sentinel group
// or a Redis Cluster turned into the data nodes to poll, and the findings
// about the group as a whole (a failover, sentinels without quorum, a
// failed cluster). One GroupDiscoverer per group; DiscoveryRunner calls it
// on the group's own thread, on its cycle and when it asks to be woken.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/node_address.h"
#include "memwatch/endpoint.h"
#include "memwatch/finding.h"

namespace memwatch::app {

struct DiscoveredNode {
  Endpoint endpoint;  // TCP, as the group announces it
  std::string role;   // "primary" or "replica", as discovery sees it
  std::string shard;  // a cluster shard's label (lowest slot range); "" otherwise
  bool operator==(const DiscoveredNode&) const = default;
};

struct GroupDiscovery {
  // False when no sentinel or seed answered: the nodes found last stay
  // polled (the reason is logged; `findings` still apply).
  bool ok = false;
  std::string message;  // why not ok; never a secret
  std::vector<DiscoveredNode> nodes;
  // The group's findings now active (alerted on under the group's name).
  std::vector<Finding> findings;
};

class GroupDiscoverer {
 public:
  virtual ~GroupDiscoverer() = default;
  // One discovery, bounded by the timeouts of its connections. Called on
  // the group's thread only.
  virtual GroupDiscovery Discover() = 0;
  // Stops what the discoverer runs beside Discover (a subscription); after
  // it returns, `wake` is not called any more. Called once, before
  // destruction, from another thread.
  virtual void Stop() {}
};

// Makes the discoverer for `group` (a TargetConfig with sentinel or cluster
// set). `wake` asks for a Discover() now (e.g. on +switch-master);
// thread-safe, callable from any thread until Stop().
using DiscovererFactory = std::function<std::unique_ptr<GroupDiscoverer>(
    const config::TargetConfig& group, std::function<void()> wake)>;

class KeyFamilyBoard;

// The daemon's: SentinelDiscoverer or ClusterDiscoverer by the group's kind.
// `families` (not null: it must outlive the discoverer) lets a cluster's
// findings name the key prefixes the keyspace sampler found heaviest.
std::unique_ptr<GroupDiscoverer> MakeGroupDiscoverer(const config::TargetConfig& group,
                                                     std::function<void()> wake,
                                                     const KeyFamilyBoard* families = nullptr);

// The TCP endpoint of a node a group's discovery announced.
Endpoint EndpointOf(const discovery::NodeAddress& a);

// "orders/10.0.0.2:6379" ("orders/[::1]:6379"): a discovered node's target
// name.
std::string NodeTargetName(const std::string& group, const Endpoint& endpoint);

}  // namespace memwatch::app
