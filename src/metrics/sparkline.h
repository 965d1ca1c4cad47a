// The status page's sparkline: one target's used memory over the last
// hour as inline SVG, with its limit as a line and, when memory grows, the
// forecast from now to the limit. Pure; styled by status.css (class names
// only, no inline style, which the page's CSP forbids).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metrics/memory_history.h"

namespace memwatch::metrics {

struct SparklineInput {
  std::vector<HistoryPoint> history;  // oldest first
  std::optional<int64_t> limit;       // the effective limit, bytes
  std::optional<double> time_to_full_seconds;
  double now_wall = 0;
};

// The chart spans the hour before now and kForecastSeconds after it.
inline constexpr double kForecastSeconds = 900;

// "" when there is no history yet.
std::string RenderSparkline(const SparklineInput& in);

}  // namespace memwatch::metrics
