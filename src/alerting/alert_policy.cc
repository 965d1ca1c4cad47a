#include "alerting/alert_policy.h"

#include <algorithm>

namespace memwatch::alerting {
namespace {

bool Allowed(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool Route::Matches(std::string_view target, std::string_view check, Severity severity) const {
  return severity >= min_severity && Allowed(targets, target) && Allowed(checks, check);
}

Duration AlertPolicy::ForDuration(std::string_view check, Severity severity) const {
  auto it = for_by_check.find(check);
  if (it != for_by_check.end()) return it->second;
  return severity == Severity::kCritical ? Duration::zero() : default_for;
}

AlertPolicy PolicyFrom(const AlertingConfig& config) {
  AlertPolicy policy;
  policy.for_by_check = config.for_by_check;
  policy.default_for = config.default_for;
  for (const ReceiverConfig& r : config.receivers) {
    policy.routes.push_back(Route{r.name, r.min_severity, r.targets, r.checks,
                                  EffectiveRepeatInterval(r, config),
                                  r.send_resolved.value_or(config.send_resolved)});
  }
  return policy;
}

}  // namespace memwatch::alerting
