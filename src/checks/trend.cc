#include "checks/trend.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "checks/hysteresis.h"

namespace memwatch::checks {
namespace {

constexpr size_t kMinPoints = 10;

double Median(std::vector<double>& v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) {
    m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  }
  return m;
}

// Median value and mean time of each of at most `max_points` runs of
// consecutive points.
std::vector<Point> DownSample(std::span<const Point> points, size_t max_points) {
  if (points.size() <= max_points) return {points.begin(), points.end()};
  std::vector<Point> out;
  out.reserve(max_points);
  std::vector<double> values;
  for (size_t g = 0; g < max_points; ++g) {
    const size_t begin = g * points.size() / max_points;
    const size_t end = (g + 1) * points.size() / max_points;
    values.clear();
    double t_sum = 0;
    for (size_t i = begin; i < end; ++i) {
      values.push_back(points[i].v);
      t_sum += points[i].t;
    }
    out.push_back({t_sum / static_cast<double>(end - begin), Median(values)});
  }
  return out;
}

}  // namespace

std::optional<Trend> RobustTrend(std::span<const Point> points, size_t max_points) {
  if (points.size() < 2) return std::nullopt;
  const std::vector<Point> p = DownSample(points, std::max<size_t>(max_points, 2));
  const double span = p.back().t - p.front().t;
  if (span <= 0) return std::nullopt;
  const double t_end = points.back().t;  // the level is wanted as of the newest poll

  std::vector<double> slopes;
  slopes.reserve(p.size() * p.size() / 2);
  for (double min_gap : {span / 4, 0.0}) {  // long baselines; all pairs if none
    for (size_t i = 0; i < p.size(); ++i) {
      for (size_t j = i + 1; j < p.size(); ++j) {
        const double dt = p[j].t - p[i].t;
        if (dt > 0 && dt >= min_gap) slopes.push_back((p[j].v - p[i].v) / dt);
      }
    }
    if (!slopes.empty()) break;
  }
  if (slopes.empty()) return std::nullopt;

  Trend t;
  t.slope = Median(slopes);
  t.points = p.size();
  t.span = t_end - points.front().t;
  std::vector<double> levels;
  levels.reserve(p.size());
  for (const Point& q : p) levels.push_back(q.v + t.slope * (t_end - q.t));
  t.level = Median(levels);
  const size_t k90 = (levels.size() * 9) / 10;
  std::nth_element(levels.begin(), levels.begin() + static_cast<std::ptrdiff_t>(k90), levels.end());
  t.high = std::max(levels[k90], t.level);
  // Coarser runs for monotonicity: single steps of a slowly rising count are
  // mostly noise.
  const std::vector<Point> coarse = DownSample(p, kMonotonePoints);
  size_t up = 0;
  for (size_t i = 1; i < coarse.size(); ++i) up += coarse[i].v >= coarse[i - 1].v ? 1 : 0;
  t.up_fraction = static_cast<double>(up) / static_cast<double>(coarse.size() - 1);
  return t;
}

std::optional<Trend> WindowTrend(const History& h, Series series, MonoTime now,
                                 double window_seconds) {
  std::vector<Point> points;
  for (size_t i = 0; i < h.size(); ++i) {
    const Bucket& b = h[i];
    const double t = SecondsBetween(now, b.at());  // <= 0
    if (t <= -window_seconds) continue;
    if (series == Series::kUsedMemory && b.used_samples > 0) {
      points.push_back({t, static_cast<double>(b.used_bytes())});
    } else if (series == Series::kKeysWithoutTtl && (b.flags & Bucket::kHasKeys)) {
      points.push_back({t, static_cast<double>(b.keys_without_ttl())});
    }
  }
  if (points.size() < kMinPoints) return std::nullopt;
  if (points.back().t - points.front().t < window_seconds / 2) return std::nullopt;
  return RobustTrend(points);
}

std::optional<Trend> CachedTrend::Get(const History& h, Series series, MonoTime now,
                                      double window_seconds) {
  // Without a trend yet (too little history), try again at every poll
  // rather than waiting out the refresh period.
  const bool stale = !computed_at_.has_value() || !trend_.has_value() ||
                     window_seconds != window_seconds_ ||
                     SecondsBetween(*computed_at_, now) >= kRefreshSeconds ||
                     SecondsBetween(*computed_at_, now) < 0;
  if (stale) {
    trend_ = WindowTrend(h, series, now, window_seconds);
    computed_at_ = now;
    window_seconds_ = window_seconds;
    return trend_;
  }
  if (!trend_.has_value()) return std::nullopt;
  Trend t = *trend_;
  const double elapsed = SecondsBetween(*computed_at_, now);
  t.level += t.slope * elapsed;
  t.high += t.slope * elapsed;
  t.span += elapsed;
  return t;
}

double SecondsToReach(const Trend& trend, double limit) {
  if (trend.high >= limit) return 0;
  if (trend.slope <= 0) return std::numeric_limits<double>::infinity();
  return (limit - trend.high) / trend.slope;
}

}  // namespace memwatch::checks
