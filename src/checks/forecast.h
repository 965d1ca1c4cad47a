// When used memory reaches the effective limit, from its trends.
//
// The whole window's trend (WindowTrend: at least half the window, robust to
// the expiry saw-tooth and to spikes) may forecast any horizon. A recent
// trend (RecentTrends) may forecast only horizons no longer than the span it
// was seen over, only while the growth is steady, and only into new
// territory: 30 s of steady growth can say "full in 20 s", not "full in 3
// hours". The last two keep the expiry saw-tooth quiet: a rising tooth only
// climbs back to where the earlier teeth peaked (RecentTrend::prior_high),
// and with no earlier tooth to compare (a daemon just started) it is trusted
// only once the tooth itself would reach the limit before it could have
// ended. The earliest answer wins. Pure.
#pragma once

#include <optional>
#include <span>

#include "checks/trend.h"

namespace memwatch::checks {

// Share of rising steps (Trend::up_fraction) from which a recent trend
// counts as steady growth, and the lower share it keeps counting at once
// its forecast is in use, so a ramp with noisy steps does not flap.
inline constexpr double kSteadyEnter = 0.75;
inline constexpr double kSteadyHold = 0.5;
// How far above the prior high a recent trend's newest value must be, and
// how close to its fitted level, as a share of its own rise over its span:
// noise on a tooth's peak is not new territory, and a ramp that just
// dropped (a tooth followed by its batch expiring) is not rising now.
inline constexpr double kNewTerritory = 0.75;

// True iff `r` shows steady growth (at least `steady` rising steps) that
// still goes on, into new territory.
bool SteadyNewGrowth(const RecentTrend& r, double steady);

// Seconds until `r` reaches `limit` from its newest value (not the upper
// envelope: a recent steady ramp has no saw-tooth peaks to allow for); 0
// when there, +inf when not growing.
double SecondsToReach(const RecentTrend& r, double limit);

struct Forecast {
  Trend trend;     // the trend the answer comes from
  double seconds;  // until the limit is reached; 0 when there, +inf when not growing
  bool recent;     // from a recent trend, not the whole window's
};

// `holding`: the previous forecast came from a recent trend (kSteadyHold
// applies, and such a trend may forecast up to twice its span). nullopt
// when neither the window's trend nor a trusted recent one exists.
std::optional<Forecast> ForecastTimeToFull(const std::optional<Trend>& window_trend,
                                           std::span<const RecentTrend> recent, double limit,
                                           bool holding);

// Seconds until the earliest steady recent trend reaches `limit`, however
// long its span, or the window trend's when sooner: not a forecast to show
// people, but evidence that a growth will fill the limit (no_ttl_growth
// counts steady growth of keys without TTL early when it will).
std::optional<double> EarliestReach(const std::optional<Trend>& window_trend,
                                    std::span<const RecentTrend> recent, double limit);

}  // namespace memwatch::checks
