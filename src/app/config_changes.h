// What a reload changes: the difference between the running configuration
// and the one just loaded, as the parts of the daemon that apply it need to
// know it (which part must act) and as a person reads it in the log. Pure.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace memwatch::app {

struct ConfigChanges {
  bool listen = false;        // the metrics endpoint must bind elsewhere
  bool route_prefix = false;  // it serves under another path
  bool polling = false;       // interval or timeout
  bool targets = false;       // added, removed or changed targets (address, credentials, limit)
  bool checks = false;        // global or per-target check settings
  bool keyspace = false;      // a target's keyspace settings (its sampler restarts)
  bool alerting = false;      // state_dir, alerting:, receivers:
  // One entry per change, for the log: "interval 1s -> 200ms",
  // "targets: added b, removed a", "receivers: added pager". Never a secret:
  // a changed password reads "changed c".
  std::vector<std::string> descriptions;

  bool any() const { return !descriptions.empty(); }
};

// Compares two validated configurations. Where a target or receiver is
// written in the file (its line) does not count.
ConfigChanges DiffConfigs(const config::Config& before, const config::Config& after);

// "interval 1s -> 200ms; targets: added b" or "nothing".
std::string DescribeChanges(const ConfigChanges& changes);

}  // namespace memwatch::app
