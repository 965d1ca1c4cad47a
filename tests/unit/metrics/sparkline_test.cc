// The sparkline's SVG: the used line, the limit, the forecast, and nothing
// without history.
#include "metrics/sparkline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

namespace memwatch::metrics {
namespace sparkline_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNow = 1796601600;
constexpr int64_t kMiB = int64_t{1024} * 1024;

SparklineInput Growing() {
  SparklineInput in;
  in.now_wall = kNow;
  for (int i = 0; i < 4; ++i) {
    in.history.push_back({kNow - 120 + i * kHistoryStepSeconds, (50 + i * 10) * kMiB});
  }
  in.limit = 100 * kMiB;
  return in;
}

TEST(SparklineTest, NothingWithoutHistory) { EXPECT_EQ(RenderSparkline({}), ""); }

TEST(SparklineTest, DrawsUsedMemoryAndTheLimit) {
  const std::string svg = RenderSparkline(Growing());
  EXPECT_THAT(svg, HasSubstr("<svg class=\"spark\" viewBox=\"0 0 300 48\""));
  EXPECT_THAT(svg, HasSubstr("<polyline class=\"used\" points=\""));
  EXPECT_THAT(svg, HasSubstr("<line class=\"limit\""));
  EXPECT_THAT(svg, HasSubstr("<title>used memory in the last hour: from 50 MiB to 80 MiB, now 80 "
                             "MiB; limit 100 MiB</title>"));
  EXPECT_THAT(svg, Not(HasSubstr("forecast")));
}

TEST(SparklineTest, ThePointsSitWhereTheirTimeAndValueSay) {
  SparklineInput in = Growing();
  in.history = {{kNow - 3600, 0}, {kNow - kHistoryStepSeconds / 2, 100 * kMiB}};
  // x: the hour before now and 15 min after it over 300 units; y: 48 units,
  // 2 of padding, the top at 105% of the limit.
  const double x_now = 3600.0 / 4500 * 300;
  const double y_limit = 48 - 2 - (1 / 1.05) * 44;
  EXPECT_THAT(RenderSparkline(in), HasSubstr(fmt::format("points=\"{:.1f},{:.1f} {:.1f},{:.1f}\"",
                                                         15.0 / 4500 * 300, 46.0, x_now, y_limit)));
}

TEST(SparklineTest, TheForecastRunsToTheLimitOrTheChartsEdge) {
  SparklineInput in = Growing();
  in.time_to_full_seconds = 300;  // within the chart: ends on the limit line
  const double y_limit = 48 - 2 - (1 / 1.05) * 44;
  const double x_full = (3600.0 + 300) / 4500 * 300;
  std::string svg = RenderSparkline(in);
  EXPECT_THAT(svg, HasSubstr(fmt::format("x2=\"{:.1f}\" y2=\"{:.1f}\"", x_full, y_limit)));
  EXPECT_THAT(svg, HasSubstr("; full in about 5 min"));

  in.time_to_full_seconds = 3 * 3600;  // beyond it: cut at the right edge, below the limit
  svg = RenderSparkline(in);
  EXPECT_THAT(svg, HasSubstr("<line class=\"forecast\""));
  // 15 of the 180 minutes to full: 80 MiB + 20 MiB * 15/180 at the edge.
  const double y_edge = 48 - 2 - ((80 + 20 * 15 / 180.0) / 105) * 44;
  EXPECT_THAT(svg, HasSubstr(fmt::format("x2=\"300.0\" y2=\"{:.1f}\"/></svg>", y_edge)));
}

TEST(SparklineTest, ALonePointIsStillDrawn) {
  SparklineInput in = Growing();
  in.history.resize(1);
  const double x = (3600.0 - 120 + kHistoryStepSeconds / 2) / 4500 * 300;
  const double y = 48 - 2 - (50 / 105.0) * 44;
  EXPECT_THAT(RenderSparkline(in),
              HasSubstr(fmt::format("points=\"{0:.1f},{1:.1f} {0:.1f},{1:.1f}\"", x, y)));
}

TEST(SparklineTest, NoLimitScalesToTheHighestValue) {
  SparklineInput in = Growing();
  in.limit.reset();
  in.time_to_full_seconds = 60;
  const std::string svg = RenderSparkline(in);
  EXPECT_THAT(svg, Not(HasSubstr("class=\"limit\"")));
  EXPECT_THAT(svg, Not(HasSubstr("class=\"forecast\"")));
}

}  // namespace sparkline_test
}  // namespace memwatch::metrics
