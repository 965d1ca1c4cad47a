// Reads a `checks:` block, the global one or a target's, against the table
// of checks in checks/check_registry.h.
#pragma once

#include "checks/check_settings.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// Reads `block` into `out`: check name -> {enabled, params}. Parameter
// values are stored in base units (fractions, seconds, bytes) as their
// ParamKind says. An empty block (`checks:` and nothing) means no
// overrides. Unknown checks and parameters are reported with the nearest
// known name.
void ReadChecksBlock(Walker& walker, const Value& block, checks::ChecksBlock& out);

}  // namespace memwatch::config
