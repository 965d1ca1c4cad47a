// Robust trends over the history: how fast used memory (or the number of
// keys without a TTL) grows, tolerant of the saw-tooth of expiring keys and
// of one-off spikes.
//
// Method: the slope is the median of the slopes between pairs of points at
// least a quarter of the covered span apart (Theil–Sen on long baselines):
// every pair of a few points, else about 2,000 pairs spread over every
// point and every separation. A spike moves one point, which takes part in
// few pairs, so the median ignores it; a saw-tooth adds at most
// amplitude / (span / 4) to any pair's slope, with both signs and at all
// its phases, so over a window of several periods the median stays on the
// underlying trend. (Down-sampling to a coarser regular grid first was
// cheaper but aliased with saw-tooth periods near a multiple of its step.)
// O(n + 2,000) per call.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

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

// RobustTrend uses about kTrendPoints^2 / 2 pairs.
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

// Recent trends see a ramp that started too recently for the whole
// window's median slope, which is still made mostly of flat history (a
// burst, a runaway job, a restarted daemon).
inline constexpr double kShortestScale = 8;  // seconds; shorter is noise at 1 s polling
inline constexpr size_t kMinRecentPoints = 6;
// A steady ramp needs fewer pairs than a window of saw-tooth: RecentTrends
// uses about kRecentTrendPoints^2 / 2 pairs per scale.
inline constexpr size_t kRecentTrendPoints = 32;

struct RecentTrend {
  Trend trend;
  double newest = 0;  // the newest value seen
  // The highest value in the window before this trend's scale; nullopt
  // when the history does not reach further back. A ramp into new
  // territory rises above it; a tooth of a saw-tooth only comes back to it.
  std::optional<double> prior_high;
};

// Trends of `series` over the most recent window/2, window/4, ... down to
// kShortestScale seconds, each over the buckets in (now - scale, now] and
// only when at least kMinRecentPoints of them cover at least half the
// scale, longest scale first. `worth(scale, rise)` is asked first with the
// rise (largest minus smallest value) in that scale; a trend that cannot
// matter to the caller is not computed, which keeps a poll of a flat or
// slowly moving target cheap. How far each trend may be trusted is the
// caller's decision (see forecast.h).
std::vector<RecentTrend> RecentTrends(const History& h, Series series, MonoTime now,
                                      double window_seconds,
                                      const std::function<bool(double scale, double rise)>& worth);

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
