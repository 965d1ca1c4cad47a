#include "memwatch/finding.h"

namespace memwatch {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "unknown";  // Unreachable for valid enum values; keeps -Wreturn-type quiet.
}

}  // namespace memwatch
