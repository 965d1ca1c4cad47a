// Robust trends over the history: how fast used memory (or the number of
// keys without a TTL) grows, tolerant of the saw-tooth of expiring keys and
// of one-off spikes.
//
// Method: the window's points are down-sampled to at most 64 by taking the
// median of each run of neighbours; the slope is the median of the slopes
// between pairs of those points at least a quarter of the covered span
// apart (Theil–Sen on long baselines). A spike moves one point, which takes
// part in few pairs, so the median ignores it; a saw-tooth adds at most
// amplitude / (span / 4) to any pair's slope, with both signs, so over a
// window of several periods the median stays on the underlying trend.
// O(64^2) per call.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "checks/history.h"
#include "memwatch/clock.h"

namespace memwatch::checks {

struct Point {
  double t = 0;  // seconds, any origin
  double v = 0;
};

struct Trend {
  double slope = 0;  // units per second
  double level = 0;  // fitted value at the newest point's time (median line)
  // Upper envelope at the newest point's time: the 90th percentile of the
  // detrended points. The peaks of a saw-tooth reach a limit before its
  // middle does; a lone spike is one point of many and does not move it.
  double high = 0;
  // Share of steps that did not go down between the medians of at most
  // kMonotonePoints runs of neighbours: 1 for a steady rise, ~0.5 for noise.
  double up_fraction = 0;
  size_t points = 0;  // down-sampled points used
  double span = 0;    // seconds from the first to the newest point
};

inline constexpr size_t kTrendPoints = 64;
inline constexpr size_t kMonotonePoints = 16;

// Points must be in increasing t order. nullopt when fewer than 2 points or
// they all share one t.
std::optional<Trend> RobustTrend(std::span<const Point> points, size_t max_points = kTrendPoints);

enum class Series { kUsedMemory, kKeysWithoutTtl };

// The trend of `series` over the buckets in (now - window, now]; nullopt
// before enough history: fewer than 10 buckets with the value, or covering
// less than half the window (a shorter span can sit on one rising tooth of
// an expiry saw-tooth and read it as growth).
std::optional<Trend> WindowTrend(const History& h, Series series, MonoTime now,
                                 double window_seconds);

// WindowTrend, recomputed at most every kRefreshSeconds and extrapolated
// along its slope in between: a trend over many minutes hardly moves in a
// few seconds, and at 1 s polling this divides the cost of the two trends
// (the bulk of TargetMonitor::Observe) by five.
class CachedTrend {
 public:
  static constexpr double kRefreshSeconds = 5;

  std::optional<Trend> Get(const History& h, Series series, MonoTime now, double window_seconds);
  void Invalidate() { computed_at_.reset(); }

 private:
  std::optional<MonoTime> computed_at_;
  double window_seconds_ = 0;
  std::optional<Trend> trend_;
};

// Seconds until the upper envelope of `trend` reaches `limit`: 0 when it is
// already there, +infinity when it is not growing.
double SecondsToReach(const Trend& trend, double limit);

}  // namespace memwatch::checks
