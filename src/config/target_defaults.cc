#include "config/target_defaults.h"

namespace memwatch::config {

void ReadTargetDefaults(Walker& walker, const Value& block, TargetSpec& out) {
  out.where = block;
  // `target_defaults:` with nothing under it sets nothing.
  if (block.node.IsNull()) return;
  walker.ReadFields<TargetSpec>(block, TargetDefaultsFields(), out);
}

void CheckTargetDefaults(Walker& walker, const TargetSpec& defaults) {
  // The same message BuildTarget gives for a target that inherits both, so
  // the two are reported once.
  if (defaults.password_key && defaults.password_file_key) {
    walker.Error(*defaults.password_file_key,
                 "password and password_file are mutually exclusive; keep one");
  }
}

void ApplyTargetDefaults(const TargetSpec& defaults, TargetSpec& target) {
  const bool own_username =
      target.username_key || (target.address && target.address->value.username);
  if (!own_username && defaults.username_key) {
    target.username_key = defaults.username_key;
    target.username = defaults.username;
    target.username_inherited = true;
  }
  const bool own_password = target.password_key || target.password_file_key ||
                            (target.address && target.address->value.password);
  if (!own_password) {
    target.password_key = defaults.password_key;
    target.password = defaults.password;
    target.password_file_key = defaults.password_file_key;
    target.password_file = defaults.password_file;
  }
  if (!target.provider_key) {
    target.provider_key = defaults.provider_key;
    target.provider = defaults.provider;
  }
  if (!target.memory_limit) target.memory_limit = defaults.memory_limit;
  if (!target.tls && defaults.tls) (target.tls = defaults.tls)->inherited = true;
}

}  // namespace memwatch::config
