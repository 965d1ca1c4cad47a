// no_ttl_growth: the number of keys without a TTL (keys - expires, summed
// over dbs) grows steadily: something, like the incident's job, creates
// keys that never expire, and memory follows until the limit. Fires when,
// over `window` (at least half of it covered), the robust trend rose
// by >= min_keys and at least 75% of the steps between down-sampled points
// went up; holds down to half of both, so a noisy count does not flap.
// Before half the window is covered (a job started minutes ago, a restarted
// daemon), the same rule runs on the longest recent span that shows it
// (RecentTrends), but only while used memory grows steadily enough to reach
// the limit within time_to_full's warning horizon: the growth that will
// fill the limit counts early, a slow one waits for the whole window.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/key_family_text.h"
#include "checks/snapshot_facts.h"
#include "checks/trend.h"

namespace memwatch::checks {
namespace {

constexpr double kEnterUpFraction = 0.75;
constexpr double kHoldUpFraction = 0.5;

class NoTtlGrowthCheck final : public Check {
 public:
  NoTtlGrowthCheck() : Check("no_ttl_growth") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const std::optional<KeyspaceTotals> ks = SumKeyspace(s);
    const double min_keys = Param(ctx, "min_keys");
    std::optional<Trend> trend =
        trend_.Get(ctx.history, Series::kKeysWithoutTtl, ctx.now(), Param(ctx, "window"));
    if (!trend.has_value() || !Rising(*trend, min_keys)) trend = RecentRise(ctx, min_keys);
    if (!ks.has_value() || !trend.has_value() || trend->slope <= 0) {
      active_ = false;
      return std::nullopt;
    }
    active_ = Rising(*trend, min_keys);
    if (!active_) return std::nullopt;
    const double growth = trend->slope * trend->span;

    std::string memory;
    if (ctx.used_trend.has_value() && ctx.used_trend->slope > 0) {
      memory = fmt::format(", memory +{}", FormatByteRate(ctx.used_trend->slope));
    }
    // The culprit, when the keyspace sampler has named it: the prefixes
    // whose keys without TTL grew between its last two cycles, else those
    // holding the most keys without TTL.
    std::vector<const KeyFamily*> growing;
    std::vector<const KeyFamily*> most;
    if (ctx.obs.key_families) {
      growing = GrowingWithoutTtl(*ctx.obs.key_families);
      if (growing.empty()) most = MostWithoutTtl(*ctx.obs.key_families);
    }
    std::string culprit =
        !growing.empty() ? DescribeGrowth(*growing.front()) +
                               ": the job writing these keys needs an expiry (SET ... EX)"
        : !most.empty() ? DescribeWithoutTtl(*most.front()) +
                              ": whatever writes them needs an expiry (SET ... EX)"
                        : "something creates keys and never sets a TTL or deletes them";
    std::string summary =
        fmt::format("Keys that never expire keep piling up: +{} without a TTL{}; {}",
                    FormatCountRate(trend->slope, "keys"), memory, culprit);
    std::vector<Evidence> evidence{
        {"keys without a TTL",
         fmt::format("{} of {}", FormatCount(ks->WithoutTtl()), FormatCount(ks->keys))},
        {"growth", fmt::format("+{} keys over {} ({})", FormatNumber(growth),
                               FormatDuration(trend->span), FormatCountRate(trend->slope, "keys"))},
        {"rising steps", FormatPercent(trend->up_fraction)},
    };
    if (!memory.empty()) {
      evidence.push_back({"memory growth", FormatByteRate(ctx.used_trend->slope)});
    }
    if (ctx.obs.key_families) {
      AppendFamilyEvidence("key prefixes growing without a TTL", growing, *ctx.obs.key_families,
                           DescribeGrowth, &evidence);
      AppendFamilyEvidence("key prefixes without a TTL", most, *ctx.obs.key_families,
                           DescribeWithoutTtl, &evidence);
    }
    std::string fix;
    if (!growing.empty() || !most.empty()) {
      const KeyFamily& k = !growing.empty() ? *growing.front() : *most.front();
      fix = fmt::format(
          "Give the keys `{}` an expiry where they are written: SET key value EX seconds, or "
          "EXPIRE key seconds right after creating them; delete those no longer needed "
          "(SCAN with MATCH, then UNLINK).",
          k.prefix);
    } else {
      fix =
          "Find the keys: redis-cli --scan --count 1000 | head -200, then TTL <key> on a few (-1 "
          "means no TTL; redis-cli --bigkeys shows the largest). Fix the writer: SET key value EX "
          "seconds, or EXPIRE key seconds right after creating it; delete what is no longer "
          "needed (UNLINK key).";
    }
    if (s.maxmemory_policy.has_value() && !IsAllkeysPolicy(*s.maxmemory_policy)) {
      fix += "\nIf Redis is a cache: " + ConfigFixClause(AllkeysLruChange(), ctx.provider) +
             " so keys without a TTL can be evicted.";
    }
    return MakeFinding(Severity::kWarning, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override {
    active_ = false;
    trend_.Invalidate();
  }

 private:
  // True iff `t` shows keys without TTL piling up: enough growth, steadily
  // (the lower bars once active).
  bool Rising(const Trend& t, double min_keys) const {
    const double growth = t.slope * t.span;
    if (growth >= min_keys && t.up_fraction >= kEnterUpFraction) return true;
    return active_ && growth >= min_keys / 2 && t.up_fraction >= kHoldUpFraction;
  }

  // The longest recent trend of keys without TTL that is Rising, while used
  // memory would reach the limit within the warning horizon (or the
  // finding is already active); nullopt otherwise.
  std::optional<Trend> RecentRise(const CheckContext& ctx, double min_keys) const {
    const bool fills = ctx.earliest_full.has_value() &&
                       *ctx.earliest_full <= ctx.settings.Param("time_to_full", "warning");
    if (!fills && !active_) return std::nullopt;
    const std::vector<RecentTrend> recent =
        RecentTrends(ctx.history, Series::kKeysWithoutTtl, ctx.now(), Param(ctx, "window"),
                     [&](double, double rise) { return rise >= min_keys / 2; });
    for (const RecentTrend& r : recent) {  // longest first
      if (r.trend.slope > 0 && Rising(r.trend, min_keys)) return r.trend;
    }
    return std::nullopt;
  }

  bool active_ = false;
  CachedTrend trend_;
};

}  // namespace

std::unique_ptr<Check> NewNoTtlGrowthCheck() { return std::make_unique<NoTtlGrowthCheck>(); }

}  // namespace memwatch::checks
