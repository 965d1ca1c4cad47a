// no_ttl_growth: the number of keys without a TTL (keys - expires, summed
// over dbs) grows steadily: something, like the incident's job, creates
// keys that never expire, and memory follows until the limit. Fires when,
// over `window` (at least half of it covered), the robust trend rose
// by >= min_keys and at least 75% of the steps between down-sampled points
// went up; holds down to half of both, so a noisy count does not flap.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
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
    const std::optional<Trend> trend =
        trend_.Get(ctx.history, Series::kKeysWithoutTtl, ctx.now(), Param(ctx, "window"));
    if (!ks.has_value() || !trend.has_value() || trend->slope <= 0) {
      active_ = false;
      return std::nullopt;
    }
    const double min_keys = Param(ctx, "min_keys");
    const double growth = trend->slope * trend->span;
    const bool enter = growth >= min_keys && trend->up_fraction >= kEnterUpFraction;
    const bool hold = growth >= min_keys / 2 && trend->up_fraction >= kHoldUpFraction;
    active_ = enter || (active_ && hold);
    if (!active_) return std::nullopt;

    std::string memory;
    if (ctx.used_trend.has_value() && ctx.used_trend->slope > 0) {
      memory = fmt::format(", memory +{}", FormatByteRate(ctx.used_trend->slope));
    }
    std::string summary = fmt::format(
        "Keys that never expire keep piling up: +{} without a TTL{}; something creates keys "
        "and never sets a TTL or deletes them",
        FormatCountRate(trend->slope, "keys"), memory);
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
    std::string fix =
        "Find the keys: redis-cli --scan --count 1000 | head -200, then TTL <key> on a few (-1 "
        "means no TTL; redis-cli --bigkeys shows the largest). Fix the writer: SET key value EX "
        "seconds, or EXPIRE key seconds right after creating it; delete what is no longer "
        "needed (UNLINK key).";
    if (s.maxmemory_policy.has_value() && !IsAllkeysPolicy(*s.maxmemory_policy)) {
      fix +=
          "\nIf Redis is a cache: CONFIG SET maxmemory-policy allkeys-lru (and "
          "maxmemory-policy allkeys-lru in redis.conf) so keys without a TTL can be evicted.";
    }
    return MakeFinding(Severity::kWarning, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override {
    active_ = false;
    trend_.Invalidate();
  }

 private:
  bool active_ = false;
  CachedTrend trend_;
};

}  // namespace

std::unique_ptr<Check> NewNoTtlGrowthCheck() { return std::make_unique<NoTtlGrowthCheck>(); }

}  // namespace memwatch::checks
