#include "checks/check_settings.h"

#include <cstdio>
#include <cstdlib>

#include "checks/check_registry.h"

namespace memwatch::checks {
namespace {

// Asking for a check or parameter the spec does not list is a programming
// error (the config loader rejects unknown names), so it crashes loudly
// instead of returning a made-up value.
[[noreturn]] void DieUnknown(std::string_view what, std::string_view check, std::string_view key) {
  (void)std::fprintf(stderr, "memwatch: unknown %.*s '%.*s%s%.*s' asked of CheckSettings\n",
                     static_cast<int>(what.size()), what.data(), static_cast<int>(check.size()),
                     check.data(), key.empty() ? "" : ".", static_cast<int>(key.size()),
                     key.data());
  std::abort();
}

void MergeInto(ChecksBlock& into, const ChecksBlock& from) {
  for (const auto& [name, entry] : from) {
    CheckOverride& dst = into[name];
    if (entry.enabled.has_value()) dst.enabled = entry.enabled;
    for (const auto& [key, value] : entry.params) dst.params[key] = value;
  }
}

}  // namespace

CheckSettings CheckSettings::Merge(const ChecksBlock& global, const ChecksBlock& target) {
  CheckSettings s;
  MergeInto(s.merged_, global);
  MergeInto(s.merged_, target);
  return s;
}

bool CheckSettings::Enabled(std::string_view check) const {
  const CheckSpec* spec = FindCheck(check);
  if (spec == nullptr) DieUnknown("check", check, "");
  auto it = merged_.find(check);
  if (it != merged_.end() && it->second.enabled.has_value()) return *it->second.enabled;
  return spec->enabled_by_default;
}

double CheckSettings::Param(std::string_view check, std::string_view key) const {
  const CheckSpec* spec = FindCheck(check);
  if (spec == nullptr) DieUnknown("check", check, "");
  const ParamSpec* param = FindParam(*spec, key);
  if (param == nullptr) DieUnknown("parameter", check, key);
  auto it = merged_.find(check);
  if (it != merged_.end()) {
    auto p = it->second.params.find(key);
    if (p != it->second.params.end()) return p->second;
  }
  return param->default_value;
}

}  // namespace memwatch::checks
