#include "host/proc_cgroup.h"

#include <vector>

#include "host/text_fields.h"

namespace memwatch::host {
namespace {

bool HasController(std::string_view list, std::string_view controller) {
  for (const std::string_view c : SplitAt(list, ',')) {
    if (c == controller) return true;
  }
  return false;
}

}  // namespace

std::optional<MemoryCgroup> ParseMemoryCgroup(std::string_view proc_cgroup) {
  std::optional<MemoryCgroup> unified;
  for (const std::string_view line : SplitLines(proc_cgroup)) {
    // The path may itself hold ':', so only the first two separate fields.
    const size_t first = line.find(':');
    if (first == std::string_view::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    const std::string_view id = line.substr(0, first);
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    const std::string_view path = line.substr(second + 1);
    if (path.empty() || path.front() != '/') continue;
    if (HasController(controllers, "memory")) return MemoryCgroup{1, std::string(path)};
    if (id == "0" && controllers.empty() && !unified.has_value()) {
      unified = MemoryCgroup{2, std::string(path)};
    }
  }
  return unified;
}

}  // namespace memwatch::host
