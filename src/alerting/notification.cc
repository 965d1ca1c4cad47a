#include "alerting/notification.h"

#include <algorithm>
#include <cassert>

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

}  // namespace memwatch::alerting
