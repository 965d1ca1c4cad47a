#include "metrics/target_status.h"

#include <algorithm>
#include <tuple>

namespace memwatch::metrics {
namespace {

// Lower is more urgent.
int Rank(const TargetStatus& t) {
  if (!t.polled) return 5;
  if (!t.up) return 0;
  int worst = -1;
  for (const Finding& f : t.findings) worst = std::max(worst, static_cast<int>(f.severity));
  // critical 2 -> 1, warning 1 -> 2, info 0 -> 3, none -> 4
  return worst < 0 ? 4 : 3 - worst;
}

}  // namespace

void SortByUrgency(std::vector<TargetStatus>* targets) {
  std::stable_sort(targets->begin(), targets->end(), [](const auto& a, const auto& b) {
    return std::tuple(Rank(a), a.name) < std::tuple(Rank(b), b.name);
  });
}

}  // namespace memwatch::metrics
