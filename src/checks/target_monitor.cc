#include "checks/target_monitor.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "checks/check.h"
#include "checks/check_registry.h"
#include "checks/effective_limit.h"
#include "checks/forecast.h"
#include "checks/provider_detection.h"
#include "checks/snapshot_facts.h"
#include "checks/trend.h"

namespace memwatch::checks {
namespace {

constexpr double kMinRetentionSeconds = 60;

// The history must cover the longest trend window.
Duration RetentionFor(const CheckSettings& settings) {
  const double seconds = std::max({kMinRetentionSeconds, settings.Param("time_to_full", "window"),
                                   settings.Param("no_ttl_growth", "window")});
  return Duration(static_cast<int64_t>(seconds * 1000));
}

// The used_memory series is what the limit is measured against
// (UsedAgainst), so a replica's buffer growing beyond maxmemory's reach
// forecasts nothing.
Sample SampleFrom(const Observation& obs, const Snapshot& s, const Counters& c,
                  const std::optional<EffectiveLimit>& limit) {
  Sample sample;
  sample.at = obs.at;
  sample.probe = obs.probe_duration;
  sample.used_memory = UsedAgainst(s, limit);
  if (const std::optional<KeyspaceTotals> ks = SumKeyspace(s)) {
    sample.keys = ks->keys;
    sample.expires = ks->expires;
  }
  sample.evicted_keys = c.evicted_keys;
  sample.rejections = c.oom_errors.has_value() ? c.oom_errors : c.rejected_calls;
  return sample;
}

}  // namespace

TargetMonitor::TargetMonitor(TargetInfo info, CheckSettings settings)
    : info_(std::move(info)),
      settings_(std::move(settings)),
      history_(RetentionFor(settings_)),
      checks_(NewAllChecks()),
      last_(checks_.size()) {}

TargetMonitor::~TargetMonitor() = default;
TargetMonitor::TargetMonitor(TargetMonitor&&) noexcept = default;
TargetMonitor& TargetMonitor::operator=(TargetMonitor&&) noexcept = default;

std::vector<Finding> TargetMonitor::Observe(const Observation& obs) {
  const bool ok = obs.failure == PollFailure::kNone;
  assert(ok == (obs.snapshot != nullptr));
  const Snapshot* snapshot = ok ? obs.snapshot : nullptr;

  std::optional<Counters> counters;
  const Counters* previous = nullptr;
  std::optional<EffectiveLimit> limit;
  const std::optional<EffectiveLimit> container =
      ContainerLimitOf(info_.memory_limit, obs.cgroup_limit);
  std::optional<Trend> used_trend;
  std::optional<double> earliest_full;
  if (snapshot != nullptr) {
    counters = CountersFrom(*snapshot, obs.at);
    // Uptime going down means Redis restarted: no difference spans that.
    const bool restarted = previous_.has_value() && counters->uptime_seconds.has_value() &&
                           previous_->uptime_seconds.has_value() &&
                           *counters->uptime_seconds < *previous_->uptime_seconds;
    if (previous_.has_value() && !restarted) previous = &*previous_;
    limit = ComputeEffectiveLimit(*snapshot, container);
    history_.Add(SampleFrom(obs, *snapshot, *counters, limit));
    used_trend = used_trend_.Get(history_, Series::kUsedMemory, obs.at,
                                 settings_.Param("time_to_full", "window"));
    time_to_full_.reset();
    earliest_full.reset();
    if (limit.has_value()) UpdateForecast(*snapshot, *limit, obs.at, &used_trend, &earliest_full);
  } else {
    history_.Add(Sample{.at = obs.at, .failed = true, .probe = obs.probe_duration});
  }

  const CheckContext ctx{obs,           snapshot,      previous,
                         history_,      info_,         settings_,
                         limit,         container,     used_trend,
                         time_to_full_, earliest_full, ResolveProvider(info_.provider, snapshot)};
  std::vector<Finding> findings;
  for (size_t i = 0; i < checks_.size(); ++i) {
    Check& check = *checks_[i];
    if (!settings_.Enabled(check.name())) {
      check.Reset();
      last_[i].reset();
      continue;
    }
    if (snapshot != nullptr || !check.NeedsSnapshot()) last_[i] = check.Evaluate(ctx);
    if (last_[i].has_value()) findings.push_back(*last_[i]);
  }
  if (counters.has_value()) previous_ = counters;
  return findings;
}

void TargetMonitor::UpdateForecast(const Snapshot& s, const EffectiveLimit& limit, MonoTime now,
                                   std::optional<Trend>* used_trend,
                                   std::optional<double>* earliest_full) {
  const auto cap = static_cast<double>(limit.bytes);
  const double headroom =
      std::max(0.0, cap - static_cast<double>(UsedAgainst(s, limit).value_or(0)));
  const double horizon = settings_.Param("time_to_full", "warning");
  // Only the scales whose rise could reach the limit within their span (a
  // forecast) or within the warning horizon (evidence) are computed.
  const std::vector<RecentTrend> recent =
      RecentTrends(history_, Series::kUsedMemory, now, settings_.Param("time_to_full", "window"),
                   [&](double scale, double rise) {
                     return rise >= 0.5 * headroom * std::min(1.0, scale / horizon);
                   });
  *earliest_full = EarliestReach(*used_trend, recent, cap);
  const std::optional<Forecast> f = ForecastTimeToFull(*used_trend, recent, cap, recent_forecast_);
  recent_forecast_ = f.has_value() && f->recent;
  if (!f.has_value()) return;
  time_to_full_ = f->seconds;
  *used_trend = f->trend;
}

void TargetMonitor::Reconfigure(TargetInfo info, CheckSettings settings) {
  info_ = std::move(info);
  settings_ = std::move(settings);
  history_.SetRetention(RetentionFor(settings_));
  used_trend_.Invalidate();
  recent_forecast_ = false;
}

std::optional<double> TargetMonitor::TimeToFullSeconds() const { return time_to_full_; }

size_t TargetMonitor::HistoryBytes() const {
  size_t bytes = history_.Bytes();
  for (const auto& check : checks_) bytes += check->StateBytes();
  return bytes;
}

}  // namespace memwatch::checks
