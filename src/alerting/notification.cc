#include "alerting/notification.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <string_view>
#include <tuple>

namespace memwatch::alerting {

Severity HighestSeverity(const Notification& n) {
  assert(!n.alerts.empty());
  const bool any_firing = FiringCount(n) > 0;
  Severity best = Severity::kInfo;
  for (const Alert& a : n.alerts) {
    if (a.resolved == any_firing) continue;  // look only at firing ones when there are any
    best = std::max(best, a.severity);
  }
  return best;
}

int FiringCount(const Notification& n) {
  return static_cast<int>(
      std::count_if(n.alerts.begin(), n.alerts.end(), [](const Alert& a) { return !a.resolved; }));
}

std::string ShortHeadline(const Notification& n) {
  std::string out = n.test ? "test: " : "";
  if (n.alerts.empty()) return out + "no alerts";
  std::string firing, resolved;
  for (const Alert& a : n.alerts) {
    std::string& list = a.resolved ? resolved : firing;
    if (!list.empty()) list += ", ";
    list += a.check;
  }
  if (!firing.empty()) {
    out += std::string(SeverityName(HighestSeverity(n))) + ": " + firing;
    if (!resolved.empty()) out += "; ";
  }
  if (!resolved.empty()) out += "resolved: " + resolved;
  return out;
}

bool HasFiringCritical(const Notification& n) {
  return std::any_of(n.alerts.begin(), n.alerts.end(), [](const Alert& a) {
    return !a.resolved && a.severity == Severity::kCritical;
  });
}

bool BringsNewCritical(const Notification& n) {
  return std::any_of(n.alerts.begin(), n.alerts.end(), [](const Alert& a) {
    return !a.resolved && a.severity == Severity::kCritical && !a.repeat &&
           a.previous_severity.value_or(Severity::kInfo) < Severity::kCritical;
  });
}

bool AlertOrder(const Alert& a, const Alert& b) {
  return std::make_tuple(a.resolved, -static_cast<int>(a.severity), std::string_view{a.check}) <
         std::make_tuple(b.resolved, -static_cast<int>(b.severity), std::string_view{b.check});
}

}  // namespace memwatch::alerting
