#include "alerting/supersede.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace memwatch::alerting {
namespace {

// What the receiver was told about the finding before `a`: nothing when `a`
// is its first firing; for a resolved, that it fired at its severity.
std::optional<Severity> ToldBefore(const Alert& a) {
  if (a.resolved) return a.severity;
  if (a.previous_severity) return a.previous_severity;
  if (a.repeat) return a.severity;
  return std::nullopt;
}

// a2 firing: one alert saying the state of a2 to a receiver that knows what
// it knew before a1.
Alert Combine(const Alert& a1, const Alert& a2) {
  Alert a = a2;
  a.started_at = std::min(a1.started_at, a2.started_at);
  const std::optional<Severity> told = ToldBefore(a1);
  a.previous_severity.reset();
  a.repeat = false;
  if (told == a2.severity) {
    a.repeat = true;
  } else if (told) {
    a.previous_severity = told;
  }
  return a;
}

}  // namespace

std::optional<Supersession> Supersede(const Notification& older, const Notification& newer) {
  if (older.test || newer.test || older.target != newer.target ||
      older.receiver != newer.receiver) {
    return std::nullopt;
  }
  std::map<std::string_view, const Alert*> in_newer;
  for (const Alert& a : newer.alerts) in_newer.emplace(a.check, &a);

  Supersession s;
  s.merged = newer;
  std::vector<Alert> merged_alerts;
  std::map<std::string_view, const Alert*> combined;  // a2 -> replaced by Combine
  for (const Alert& a1 : older.alerts) {
    auto it = in_newer.find(a1.check);
    const Alert* a2 = it == in_newer.end() ? nullptr : it->second;
    // A resolved moves with its own end time when alone; when the finding
    // fired again since, the firing is the news, told as a change from (or
    // a reminder of) what the receiver knew before the resolved.
    bool keep = a1.resolved && a2 != nullptr && a2->resolved;
    if (!a1.resolved && a2 != nullptr && a2->resolved) {
      // A reminder, or a first firing, followed by its resolved: the
      // resolved says it all (it carries when the finding started). A
      // severity change stays: Alertmanager must end the old severity.
      const std::optional<Severity> told = ToldBefore(a1);
      keep = told.has_value() && told != a1.severity;
    }
    if (keep) {
      s.kept.push_back(a1);
      continue;
    }
    s.taken.push_back(a1.check);
    if (a2 == nullptr) {
      Alert moved = a1;
      if (moved.resolved && !moved.ended_at) moved.ended_at = older.created_at;
      merged_alerts.push_back(moved);
    } else if (!a2->resolved) {
      merged_alerts.push_back(Combine(a1, *a2));
      combined.emplace(a2->check, a2);
    } else {
      Alert resolved = *a2;
      resolved.started_at = std::min(a1.started_at, a2->started_at);
      merged_alerts.push_back(resolved);
      combined.emplace(a2->check, a2);
    }
  }
  if (s.taken.empty()) return std::nullopt;
  for (const Alert& a2 : newer.alerts) {
    if (combined.count(a2.check) == 0) merged_alerts.push_back(a2);
  }
  std::sort(merged_alerts.begin(), merged_alerts.end(), AlertOrder);
  std::sort(s.taken.begin(), s.taken.end());
  s.merged.alerts = std::move(merged_alerts);
  return s;
}

}  // namespace memwatch::alerting
