#include "metrics/memory_history.h"

#include <algorithm>
#include <cmath>

namespace memwatch::metrics {

void MemoryHistory::Record(double wall, int64_t used) {
  const double step = std::floor(wall / kHistoryStepSeconds) * kHistoryStepSeconds;
  if (!points_.empty() && step < points_.back().wall) points_.clear();
  if (!points_.empty() && step == points_.back().wall) {
    points_.back().used = std::max(points_.back().used, used);
    return;
  }
  points_.push_back({step, used});
  while (points_.size() > kHistoryPoints) points_.pop_front();
}

std::vector<HistoryPoint> MemoryHistory::Points(double now_wall) const {
  const double oldest = now_wall - kHistoryStepSeconds * static_cast<double>(kHistoryPoints);
  std::vector<HistoryPoint> out;
  out.reserve(points_.size());
  for (const HistoryPoint& p : points_) {
    if (p.wall >= oldest) out.push_back(p);
  }
  return out;
}

}  // namespace memwatch::metrics
