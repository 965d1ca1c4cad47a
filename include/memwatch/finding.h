// A finding is what a check concluded about one target: something a person
// should know or fix. Pure data, produced by checks, consumed by metrics,
// doctor and (later) alerting.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memwatch {

enum class Severity { kInfo = 0, kWarning = 1, kCritical = 2 };

std::string_view SeverityName(Severity s);  // "info" | "warning" | "critical"

// One number (or setting) that led to the finding, as a person reads it:
// {"maxmemory", "0 (no limit)"}.
struct Evidence {
  std::string name;
  std::string value;
  bool operator==(const Evidence&) const = default;
};

struct Finding {
  std::string check;  // stable check name, e.g. "maxmemory_unset"
  Severity severity = Severity::kWarning;
  std::string summary;  // one line, plain words
  std::vector<Evidence> evidence;
  std::string fix;  // concrete commands / config lines; may span lines
  bool operator==(const Finding&) const = default;
};

}  // namespace memwatch
