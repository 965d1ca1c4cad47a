// Reads the `alerting:` block: global alerting settings, apart from
// state_dir and the receivers, which have their own keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// The block as written. Rules that involve other keys (fast_interval <
// interval) are the loader's.
struct AlertingSpec {
  alerting::AlertingConfig config;  // state_dir and receivers left as default
  // Set iff fast_interval is written and valid.
  std::optional<Located<Duration>> fast_interval;
};

// Reads `block` into `out`. An empty block (`alerting:` and nothing) keeps
// every default. `for:` names are checked against checks/check_registry.h.
void ReadAlertingBlock(Walker& walker, const Value& block, AlertingSpec& out);

// Every key of the block, as "alerting.KEY".
std::vector<std::string> AlertingKeys();

}  // namespace memwatch::config
