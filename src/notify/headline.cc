#include "notify/headline.h"

#include <fmt/format.h>

#include "notify/check_titles.h"
#include "notify/time_format.h"

namespace memwatch::notify {

std::string SeverityLabel(Severity s) {
  std::string label(SeverityName(s));
  for (char& c : label) c = static_cast<char>(c - 'a' + 'A');
  return label;
}

std::string Headline(const alerting::Notification& n) {
  const alerting::Alert& first = n.alerts.front();
  if (n.test) {
    return fmt::format("[TEST] redis-memwatch: test notification to receiver {}", n.receiver);
  }
  const std::string tag = first.resolved ? "RESOLVED" : SeverityLabel(first.severity);
  std::string line = fmt::format("[{}] {}: {}", tag, n.target, CheckTitle(first.check));
  if (n.alerts.size() > 1) line += fmt::format(" (+{} more)", n.alerts.size() - 1);
  return line;
}

std::string StatusLabel(const alerting::Alert& a) {
  if (a.resolved) return "RESOLVED";
  if (a.previous_severity) {
    return fmt::format("{} (was {})", SeverityLabel(a.severity),
                       SeverityLabel(*a.previous_severity));
  }
  return SeverityLabel(a.severity);
}

std::string WhenLine(const alerting::Alert& a, WallTime created_at) {
  if (a.resolved) {
    return fmt::format("Started {}, resolved {}", FormatHuman(a.started_at),
                       FormatHuman(a.ended_at.value_or(created_at)));
  }
  if (a.repeat) return fmt::format("Still firing since {}", FormatHuman(a.started_at));
  return fmt::format("Started {}", FormatHuman(a.started_at));
}

}  // namespace memwatch::notify
