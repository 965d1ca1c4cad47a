// The checks on a Sentinel group's data set (issue 15). time_to_full and
// no_ttl_growth read trends of the data the group holds, and a failover
// moves that data whole to another node. So for a Sentinel group they are
// evaluated once, on one history fed at each poll of whichever node the
// sentinels name the primary, and alerted under the group's name: a
// failover neither restarts the trend nor resolves and fires them again,
// and each summary names the node it was measured on.
//
// Which checks these are: checks::SentinelDataSetChecks(). The nodes' own
// time_to_full and no_ttl_growth stay in their metrics
// (redis_memwatch_finding, redis_memwatch_time_to_full_seconds) but are not
// alerted: they would repeat the group's once per node, and an old primary
// that went down would keep its last one. The group's are exported in
// redis_memwatch_group_finding beside its discovery's findings.
//
// Only these trend checks run on the group's history, so the per-process
// counters it also keeps (evictions, rejections) are never compared across
// two nodes. Pure: time comes from the observations. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/observation.h"
#include "checks/target_monitor.h"
#include "config/config.h"
#include "memwatch/finding.h"

namespace memwatch::app {

// The group whose data-set checks take over node `t`'s: its Sentinel
// group's name; "" for any other target (configured, or in a cluster,
// whose shards each hold their own data).
std::string DataSetGroupOf(const config::TargetConfig& t);

class GroupDataSets {
 public:
  // Keeps the data sets of the Sentinel groups still in `config` (their
  // nodes' targets), history and all, with the check settings of their
  // nodes (which inherit the group's); forgets the others.
  void Reconfigure(const config::Config& config);

  // Records an observation of `group`'s primary `node` (its address as
  // people read it; `obs.snapshot` set) and returns the group's data-set
  // findings after it, each naming `node`. An unknown group has none. An
  // observation older than the group's newest (a poll of the old primary
  // that finished before the new one's) changes nothing.
  std::vector<Finding> Observe(const std::string& group, const std::string& node,
                               const checks::Observation& obs);

 private:
  struct DataSet {
    std::unique_ptr<checks::TargetMonitor> monitor;
    std::vector<Finding> findings;  // after the newest observation
    std::optional<MonoTime> newest;
  };
  std::map<std::string, DataSet> sets_;  // by group
};

}  // namespace memwatch::app
