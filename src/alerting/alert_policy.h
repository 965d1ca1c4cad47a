// Everything the alert state machine needs from the configuration: when a
// finding fires (`for:`), how often reminders go out, and which receiver
// hears about what. Built once from AlertingConfig; pure data.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/alerting_config.h"
#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::alerting {

// One receiver's filter and timing, in config order.
struct Route {
  std::string receiver;
  Severity min_severity = Severity::kWarning;
  std::vector<std::string> targets;  // empty = all
  std::vector<std::string> checks;   // empty = all
  Duration repeat_interval = std::chrono::hours(4);
  bool send_resolved = true;

  // True iff an alert of `check` at `severity` on `target` goes to this receiver.
  bool Matches(std::string_view target, std::string_view check, Severity severity) const;
};

struct AlertPolicy {
  std::map<std::string, Duration, std::less<>> for_by_check;
  Duration default_for = Duration::zero();  // non-critical findings of unlisted checks
  std::vector<Route> routes;

  // How long a finding of `check` at `severity` must stay active before it
  // fires: the check's `for:` if set, else 0 for critical (a rejected write
  // must page at once) and default_for otherwise.
  Duration ForDuration(std::string_view check, Severity severity) const;
};

AlertPolicy PolicyFrom(const AlertingConfig& config);

}  // namespace memwatch::alerting
