// Which replica samples the keyspace for its primary (issue 16: "replicas
// of a known primary are preferred for sampling when discovery knows
// them"). A replica holds the same keys, and SCAN, TYPE, TTL and MEMORY
// USAGE there spare the primary, which serves the writes. Pure.
#pragma once

#include <map>
#include <string>

#include "config/config.h"

namespace memwatch::app {

// Primary target name -> the replica target that stands in for it: for
// each group's primary (by its discovery's role), the first of its
// replicas by name; in a cluster, a replica of the same shard. Only where
// the group leaves keyspace.enabled at its default (true samples every
// node, false none).
std::map<std::string, std::string> SamplingStandIns(const config::Config& config);

}  // namespace memwatch::app
