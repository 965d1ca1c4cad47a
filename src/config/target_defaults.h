// `target_defaults:`: values that every target takes unless it sets its
// own. Read with the same readers as a target's keys (target_spec.h), then
// merged into each target before the cross-key rules run, so those rules
// see what a target really uses and point at the line that wrote it.
#pragma once

#include "config/target_spec.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// Reads the `target_defaults:` mapping into `out`. Keys that only a target
// can have (name, address, checks) are reported, saying why.
void ReadTargetDefaults(Walker& walker, const Value& block, TargetSpec& out);

// Reports the rules the defaults break on their own, whether or not a
// target uses them: password and password_file together.
void CheckTargetDefaults(Walker& walker, const TargetSpec& defaults);

// Fills what `target` does not set from `defaults`. A target's own value
// wins, key by key, with two groups that go together:
// - credentials: a target that sets password or password_file, or has a
//   password in its redis:// address, takes neither from the defaults;
// - the user name: a target that sets username, or has one in its address,
//   does not take the default's;
// - tls: a target's own `tls:` (also `tls: false`) replaces the default's
//   block as a whole; keys are not merged one by one.
// Inherited keys keep the default's Value, so messages point there.
void ApplyTargetDefaults(const TargetSpec& defaults, TargetSpec& target);

}  // namespace memwatch::config
