// What goes to one receiver about one target: the alerts that fired,
// changed severity, are due for a reminder or resolved in one evaluation.
// Pure data; produced by AlertState, stored by Outbox, rendered by the
// formatters in src/notify.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::alerting {

struct Alert {
  std::string check;  // stable check name, e.g. "oom_rejections"
  Severity severity = Severity::kWarning;
  // Set when this notification reports a severity change: the severity the
  // receiver was told last time (Alertmanager must end that alert).
  std::optional<Severity> previous_severity;
  std::string summary;
  std::vector<Evidence> evidence;
  std::string fix;
  WallTime started_at;  // when the finding first became active
  bool resolved = false;
  // Resolved: when the evaluation saw it end, if not the notification's
  // created_at (a resolved moved into a newer notification, supersede.h).
  std::optional<WallTime> ended_at;
  bool repeat = false;  // a reminder: the receiver was told before
  bool operator==(const Alert&) const = default;
};

struct Notification {
  // Unique across restarts and safe as a file name ([0-9a-z-]); also the
  // idempotency key receivers may deduplicate on.
  std::string id;
  std::string target;
  std::string receiver;
  WallTime created_at;        // the evaluation that produced it
  bool test = false;          // sent by `test-alert`, not by a finding
  std::vector<Alert> alerts;  // firing before resolved, most severe first
  bool operator==(const Notification&) const = default;
};

// The most severe firing alert's severity; the most severe resolved one's
// when nothing fires. Requires !n.alerts.empty().
Severity HighestSeverity(const Notification& n);
// Number of alerts that are not resolved.
int FiringCount(const Notification& n);
// One short line for a list of notifications (the status page; the
// messages' own headline, with the target and check titles, is
// notify::Headline): the highest
// severity and the check names of the firing alerts, then those resolved,
// e.g. "critical: oom_rejections, noeviction; resolved: memory_high", or
// "resolved: memory_high" when nothing fires; "test: " first for a test
// notification. Check names come from the config: escape before display.
std::string ShortHeadline(const Notification& n);
// True iff a critical alert fires in `n` (new, changed or a reminder).
bool HasFiringCritical(const Notification& n);
// True iff `n` tells a receiver of a critical finding it has not heard of
// at critical: one that fires for the first time or escalated to critical.
bool BringsNewCritical(const Notification& n);

// The order of Notification::alerts: firing before resolved, most severe
// first, then by check name.
bool AlertOrder(const Alert& a, const Alert& b);

}  // namespace memwatch::alerting
