#include "metrics/sparkline.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "checks/format.h"

namespace memwatch::metrics {
namespace {

constexpr double kWidth = 300;
constexpr double kHeight = 48;
constexpr double kPad = 2;  // keeps a line at the top or bottom visible

struct Scale {
  double x0, x1, top;
  double X(double wall) const { return (wall - x0) / (x1 - x0) * kWidth; }
  double Y(double bytes) const {
    return kHeight - kPad - std::clamp(bytes / top, 0.0, 1.0) * (kHeight - 2 * kPad);
  }
};

// The forecast line from the last point towards the limit, cut at the
// chart's right edge.
std::string Forecast(const SparklineInput& in, const Scale& s, double last_used) {
  if (!in.limit.has_value() || !in.time_to_full_seconds.has_value()) return "";
  const double ttf = *in.time_to_full_seconds;
  if (!std::isfinite(ttf) || ttf <= 0) return "";
  const auto limit = static_cast<double>(*in.limit);
  const double end = std::min(ttf, kForecastSeconds);
  const double end_used = last_used + (limit - last_used) * (end / ttf);
  return fmt::format(
      "<line class=\"forecast\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>",
      s.X(in.now_wall), s.Y(last_used), s.X(in.now_wall + end), s.Y(end_used));
}

}  // namespace

std::string RenderSparkline(const SparklineInput& in) {
  if (in.history.empty()) return "";
  int64_t low = in.history.front().used;
  int64_t high = low;
  for (const HistoryPoint& p : in.history) {
    low = std::min(low, p.used);
    high = std::max(high, p.used);
  }
  const double hour = kHistoryStepSeconds * static_cast<double>(kHistoryPoints);
  const double top = in.limit.has_value() && *in.limit > 0
                         ? static_cast<double>(std::max(*in.limit, high)) * 1.05
                         : std::max(1.0, static_cast<double>(high) * 1.25);
  const Scale s{in.now_wall - hour, in.now_wall + kForecastSeconds, top};

  std::string points;
  for (const HistoryPoint& p : in.history) {
    // A step's point sits at its middle (its newest at most now).
    const double t = std::min(p.wall + kHistoryStepSeconds / 2, in.now_wall);
    points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", s.X(t),
                          s.Y(static_cast<double>(p.used)));
  }
  // A lone point is drawn as a zero-length line, which its round cap shows
  // as a dot.
  if (in.history.size() == 1) points += " " + points;
  const auto last = static_cast<double>(in.history.back().used);
  std::string label =
      fmt::format("used memory in the last hour: from {} to {}, now {}", checks::FormatBytes(low),
                  checks::FormatBytes(high), checks::FormatBytes(in.history.back().used));
  std::string limit_line;
  if (in.limit.has_value() && *in.limit > 0) {
    label += fmt::format("; limit {}", checks::FormatBytes(*in.limit));
    limit_line =
        fmt::format("<line class=\"limit\" x1=\"0\" y1=\"{0:.1f}\" x2=\"{1}\" y2=\"{0:.1f}\"/>",
                    s.Y(static_cast<double>(*in.limit)), kWidth);
  }
  const std::string forecast = Forecast(in, s, last);
  if (!forecast.empty()) {
    label += fmt::format("; full in about {}", checks::FormatDuration(*in.time_to_full_seconds));
  }
  return fmt::format(
      "<svg class=\"spark\" viewBox=\"0 0 {0} {1}\" preserveAspectRatio=\"none\" role=\"img\">"
      "<title>{2}</title>"
      "<line class=\"now\" x1=\"{3:.1f}\" y1=\"0\" x2=\"{3:.1f}\" y2=\"{1}\"/>{4}"
      "<polyline class=\"used\" points=\"{5}\"/>{6}</svg>",
      kWidth, kHeight, label, s.X(in.now_wall), limit_line, points, forecast);
}

}  // namespace memwatch::metrics
