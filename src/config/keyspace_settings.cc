#include "config/keyspace_settings.h"

namespace memwatch::config {

KeyspaceSettings ResolveKeyspace(const KeyspaceBlock& global, const KeyspaceBlock& target) {
  KeyspaceSettings out;
  if (target.enabled) {
    out.enabled = target.enabled;
  } else if (global.enabled == false) {
    out.enabled = false;
  }
  out.budget = target.budget.value_or(global.budget.value_or(out.budget));
  out.max_keys_per_second = target.max_keys_per_second.value_or(
      global.max_keys_per_second.value_or(out.max_keys_per_second));
  out.delimiters = target.delimiters.value_or(global.delimiters.value_or(out.delimiters));
  out.depth = target.depth.value_or(global.depth.value_or(out.depth));
  out.top = target.top.value_or(global.top.value_or(out.top));
  out.interval = target.interval.value_or(global.interval.value_or(out.interval));
  out.protected_patterns = target.protected_patterns.value_or(
      global.protected_patterns.value_or(out.protected_patterns));
  return out;
}

}  // namespace memwatch::config
