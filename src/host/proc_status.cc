#include "host/proc_status.h"

#include <vector>

#include "host/text_fields.h"

namespace memwatch::host {
namespace {

// The last field of the line that starts with `key` (e.g. "NSpid:"), or
// nullopt when there is no such line. An empty string_view: the line has
// no value.
std::optional<std::string_view> LastFieldOf(std::string_view status, std::string_view key) {
  for (const std::string_view line : SplitLines(status)) {
    if (line.substr(0, key.size()) != key) continue;
    const std::vector<std::string_view> fields = SplitFields(line.substr(key.size()));
    return fields.empty() ? std::string_view() : fields.back();
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> InnermostPid(std::string_view status) {
  std::optional<std::string_view> pid = LastFieldOf(status, "NSpid:");
  if (!pid.has_value()) pid = LastFieldOf(status, "Pid:");
  if (!pid.has_value()) return std::nullopt;
  return ParseDecimal(*pid);
}

}  // namespace memwatch::host
