#include "checks/trend.h"

#include <algorithm>
#include <cmath>
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
  const size_t n = points.size();
  if (n < 2) return std::nullopt;
  const double span = points.back().t - points.front().t;
  if (span <= 0) return std::nullopt;
  const double t_end = points.back().t;  // the level is wanted as of the newest poll

  // Every pair when there are few; otherwise a lattice of about as many
  // pairs as max_points points have, spread over every point and every
  // separation, so the periodic part of a saw-tooth is seen at all its
  // phases and averages out (a coarser regular grid of points would alias
  // with its period).
  const size_t budget = std::max<size_t>(max_points, 2) * std::max<size_t>(max_points, 2) / 2;
  const size_t all_pairs = n * (n - 1) / 2;
  const size_t stride = all_pairs <= 2 * budget ? 1 : (all_pairs + budget - 1) / budget;
  std::vector<double> slopes;
  slopes.reserve(std::min(all_pairs, budget) + n);
  for (double min_gap : {span / 4, 0.0}) {  // long baselines; all pairs if none
    for (size_t i = 0; i < n; ++i) {
      // The offset varies with i, so every separation modulo the stride occurs.
      for (size_t j = i + 1 + (i * 7) % stride; j < n; j += stride) {
        const double dt = points[j].t - points[i].t;
        if (dt > 0 && dt >= min_gap) slopes.push_back((points[j].v - points[i].v) / dt);
      }
    }
    if (!slopes.empty()) break;
  }
  if (slopes.empty()) return std::nullopt;

  Trend t;
  t.slope = Median(slopes);
  t.points = n;
  t.span = span;
  std::vector<double> levels;
  levels.reserve(n);
  for (const Point& q : points) levels.push_back(q.v + t.slope * (t_end - q.t));
  t.level = Median(levels);
  const size_t k90 = (levels.size() * 9) / 10;
  std::nth_element(levels.begin(), levels.begin() + static_cast<std::ptrdiff_t>(k90), levels.end());
  t.high = std::max(levels[k90], t.level);
  // Coarse runs for monotonicity: single steps of a slowly rising count are
  // mostly noise.
  const std::vector<Point> coarse = DownSample(points, kMonotonePoints);
  size_t up = 0;
  for (size_t i = 1; i < coarse.size(); ++i) up += coarse[i].v >= coarse[i - 1].v ? 1 : 0;
  t.up_fraction = static_cast<double>(up) / static_cast<double>(coarse.size() - 1);
  return t;
}

namespace {

// The points of `series` in (now - window, now], oldest first; t is seconds
// relative to now (<= 0).
std::vector<Point> WindowPoints(const History& h, Series series, MonoTime now,
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
  return points;
}

}  // namespace

std::vector<RecentTrend> RecentTrends(const History& h, Series series, MonoTime now,
                                      double window_seconds,
                                      const std::function<bool(double scale, double rise)>& worth) {
  std::vector<RecentTrend> trends;
  const std::vector<Point> points = WindowPoints(h, series, now, window_seconds);
  const auto by_value = [](const Point& a, const Point& b) { return a.v < b.v; };
  // window / 2, / 4, ... down to kShortestScale (ldexp halves exactly, as
  // repeated / 2 would; an integer counter keeps the loop countable).
  for (int halvings = 1; std::ldexp(window_seconds, -halvings) >= kShortestScale; ++halvings) {
    const double scale = std::ldexp(window_seconds, -halvings);
    auto first = points.begin();
    while (first != points.end() && first->t <= -scale) ++first;
    const std::span<const Point> recent(first, points.end());
    if (recent.size() < kMinRecentPoints || recent.back().t - recent.front().t < scale / 2) {
      continue;
    }
    const auto [low, high] = std::minmax_element(recent.begin(), recent.end(), by_value);
    if (!worth(scale, high->v - low->v)) continue;
    std::optional<Trend> t = RobustTrend(recent, kRecentTrendPoints);
    if (!t.has_value()) continue;
    RecentTrend r{*t, recent.back().v, std::nullopt};
    if (first != points.begin())
      r.prior_high = std::max_element(points.begin(), first, by_value)->v;
    trends.push_back(r);
  }
  return trends;
}

std::optional<Trend> WindowTrend(const History& h, Series series, MonoTime now,
                                 double window_seconds) {
  const std::vector<Point> points = WindowPoints(h, series, now, window_seconds);
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
