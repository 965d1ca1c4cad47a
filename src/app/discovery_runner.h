// Runs each group's discovery on a thread of its own: at once, then every
// `interval` of its sentinel: or cluster: block, and whenever its
// discoverer asks (a failover event). What it finds goes to two callbacks:
// `on_nodes` when the group's data nodes change (the daemon applies them as
// a reload does), `on_findings` after every discovery (the group's findings,
// for the alert state machine under the group's name).
//
// Apply() and Stop() must not be called while holding what the callbacks
// take (the daemon's apply lock): they join the threads of removed groups.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/group_discovery.h"
#include "config/config.h"

namespace memwatch::app {

class DiscoveryRunner {
 public:
  using NodesFn = std::function<void(const std::string& group, std::vector<DiscoveredNode>)>;
  using FindingsFn = std::function<void(const std::string& group, std::vector<Finding>)>;

  DiscoveryRunner(DiscovererFactory factory, NodesFn on_nodes, FindingsFn on_findings);
  ~DiscoveryRunner();  // Stop()
  DiscoveryRunner(const DiscoveryRunner&) = delete;
  DiscoveryRunner& operator=(const DiscoveryRunner&) = delete;

  // Runs discovery for exactly `groups` from now on: a group whose config
  // is unchanged keeps its thread and what it found; a removed group's
  // findings are cleared (on_findings with none). Thread-safe.
  void Apply(const std::vector<config::TargetConfig>& groups);
  // Stops and joins every group's thread. Idempotent.
  void Stop();

 private:
  struct Group;
  void Run(Group* g);
  void StopGroup(Group& g);

  const DiscovererFactory factory_;
  const NodesFn on_nodes_;
  const FindingsFn on_findings_;
  std::mutex apply_mu_;                                   // serialises Apply and Stop
  std::map<std::string, std::unique_ptr<Group>> groups_;  // guarded by apply_mu_
};

}  // namespace memwatch::app
