// time_to_full: at the robust trend of used_memory over `window`, memory
// reaches the effective limit within the warning (critical) horizon. The
// engine computes the trend once per poll (ctx.used_trend, see trend.h for
// why it ignores expiry saw-tooth and spikes). Clears only once the
// forecast is beyond 1.5x the horizon, so a forecast wobbling around the
// horizon does not flap. Quiet for allkeys-* caches at maxmemory (see
// EvictsByDesign).
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/key_family_text.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

constexpr double kClearFactor = 1.5;

class TimeToFullCheck final : public Check {
 public:
  TimeToFullCheck() : Check("time_to_full") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    if (!ctx.time_to_full.has_value() || !ctx.used_trend.has_value() || !ctx.limit.has_value() ||
        EvictsByDesign(s)) {
      level_.reset();
      return std::nullopt;
    }
    const double ttf = *ctx.time_to_full;
    const double warning = Param(ctx, "warning");
    const double critical = Param(ctx, "critical");
    level_ = NextLevel(level_, LevelAtMost(ttf, warning, critical),
                       LevelAtMost(ttf, kClearFactor * warning, kClearFactor * critical));
    if (!level_.has_value()) return std::nullopt;

    const Trend& trend = *ctx.used_trend;
    std::string summary =
        ttf <= 0 ? fmt::format("Memory has reached {}; {}", DescribeLimit(*ctx.limit),
                               AtTheLimit(s, *ctx.limit))
                 : fmt::format("At the current growth of {}, memory reaches {} in about {}; {}",
                               FormatByteRate(trend.slope), DescribeLimit(*ctx.limit),
                               FormatDuration(ttf), AtTheLimit(s, *ctx.limit));
    AppendFastestGrowing(ctx.obs.key_families.get(), &summary);
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);
    std::vector<Evidence> evidence{
        {"time to full", FormatDuration(ttf)},
        {"growth", fmt::format("{} (robust trend over the last {})", FormatByteRate(trend.slope),
                               FormatDuration(trend.span))},
        {"limit", DescribeLimit(*ctx.limit)},
    };
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    AppendWeightAndGrowthEvidence(ctx.obs.key_families.get(), &evidence);
    return MakeFinding(*level_, std::move(summary), std::move(evidence), Fix(ctx));
  }

  void Reset() override { level_.reset(); }

 private:
  static std::string Fix(const CheckContext& ctx) {
    const Snapshot& s = *ctx.snapshot;
    std::string fix =
        "Find what grows: compare redis-cli --memkeys now and in a few minutes; keys without a "
        "TTL that keep coming (see no_ttl_growth) need one where they are written "
        "(SET key value EX seconds) or a job that deletes them.";
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(s, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (advice.has_value() && s.maxmemory.value_or(0) == 0) {
      fix += "\nSet maxmemory so Redis refuses or evicts before it is killed:\n" +
             MaxmemoryFix(*advice, s, ctx.provider);
    }
    if (s.maxmemory_policy == "noeviction" || IsVolatilePolicy(s.maxmemory_policy.value_or(""))) {
      fix += "\nIf Redis is a cache: " + ConfigFixClause(AllkeysLruChange(), ctx.provider) +
             " so it evicts instead of failing.";
    }
    return fix;
  }

  Level level_;
};

}  // namespace

std::unique_ptr<Check> NewTimeToFullCheck() { return std::make_unique<TimeToFullCheck>(); }

}  // namespace memwatch::checks
