#include "checks/forecast.h"

#include <limits>

namespace memwatch::checks {

bool SteadyNewGrowth(const RecentTrend& r, double steady) {
  const Trend& t = r.trend;
  if (t.slope <= 0 || t.up_fraction < steady) return false;
  const double margin = kNewTerritory * t.slope * t.span;
  if (r.newest < t.level - margin) return false;
  return !r.prior_high.has_value() || r.newest - *r.prior_high >= margin;
}

double SecondsToReach(const RecentTrend& r, double limit) {
  if (r.newest >= limit) return 0;
  if (r.trend.slope <= 0) return std::numeric_limits<double>::infinity();
  return (limit - r.newest) / r.trend.slope;
}

std::optional<Forecast> ForecastTimeToFull(const std::optional<Trend>& window_trend,
                                           std::span<const RecentTrend> recent, double limit,
                                           bool holding) {
  std::optional<Forecast> best;
  if (window_trend.has_value()) {
    best = Forecast{*window_trend, SecondsToReach(*window_trend, limit), false};
  }
  const double horizon_factor = holding ? 2 : 1;
  for (const RecentTrend& r : recent) {
    if (!SteadyNewGrowth(r, holding ? kSteadyHold : kSteadyEnter)) continue;
    const double seconds = SecondsToReach(r, limit);
    if (seconds > horizon_factor * r.trend.span) continue;
    if (!best.has_value() || seconds < best->seconds) best = Forecast{r.trend, seconds, true};
  }
  return best;
}

std::optional<double> EarliestReach(const std::optional<Trend>& window_trend,
                                    std::span<const RecentTrend> recent, double limit) {
  std::optional<double> best;
  if (window_trend.has_value()) best = SecondsToReach(*window_trend, limit);
  for (const RecentTrend& r : recent) {
    if (!SteadyNewGrowth(r, kSteadyEnter)) continue;
    const double seconds = SecondsToReach(r, limit);
    if (!best.has_value() || seconds < *best) best = seconds;
  }
  return best;
}

}  // namespace memwatch::checks
