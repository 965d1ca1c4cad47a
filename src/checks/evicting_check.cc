// evicting: Redis deleted keys to stay under maxmemory since the previous
// poll. In a cache (allkeys-*) that is how it works, so a few evictions are
// info; a warning_rate or more per second means the cache is much too small
// for its working set, and under any policy for data that must be kept it is
// data loss. Clears after `quiet` seconds without an eviction, so a cache
// that evicts in bursts does not flap.

#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/snapshot_facts.h"
#include "memwatch/saturating.h"

namespace memwatch::checks {
namespace {

class EvictingCheck final : public Check {
 public:
  EvictingCheck() : Check("evicting") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const MonoTime now = ctx.now();
    const double quiet = Param(ctx, "quiet");
    if (ctx.previous != nullptr) {
      const std::optional<int64_t> delta = CounterDelta(s.evicted_keys, ctx.previous->evicted_keys);
      const double dt = SecondsBetween(ctx.previous->at, now);
      if (delta.has_value() && *delta > 0 && dt > 0) {
        if (!any_.Active(now, quiet)) {
          episode_start_ = now;
          episode_evicted_ = 0;
        }
        any_.Mark(now);
        episode_evicted_ = SaturatingAdd(episode_evicted_, *delta);
        last_rate_ = static_cast<double>(*delta) / dt;
        if (last_rate_ >= Param(ctx, "warning_rate")) high_.Mark(now);
      }
    }
    if (!any_.Active(now, quiet)) {
      Reset();
      return std::nullopt;
    }
    const Severity severity = high_.Active(now, quiet) ? Severity::kWarning : Severity::kInfo;
    const std::string policy = s.maxmemory_policy.value_or("unknown");
    std::string summary = fmt::format(
        "Redis is deleting keys to stay under maxmemory ({}{}): data the application stored is "
        "dropped to make room",
        FormatCountRate(last_rate_, "keys"),
        IsVolatilePolicy(policy) ? ", only keys that have a TTL" : "");
    std::vector<Evidence> evidence{
        {"eviction rate", FormatCountRate(last_rate_, "keys")},
        {"evicted since it started",
         fmt::format("{} keys in {}", FormatCount(episode_evicted_),
                     FormatDuration(SecondsBetween(*episode_start_, now)))},
        {"maxmemory_policy", policy},
    };
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    std::string fix =
        "If Redis is a cache this is expected; many evictions mean it is too small for the data "
        "it is asked to hold. If the data must not be lost, evictions are data loss: give Redis "
        "more memory, or set maxmemory-policy noeviction so writes fail loudly instead.";
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(s, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (advice.has_value() && advice->bytes > s.maxmemory.value_or(0)) {
      fix += "\nThere is still safe room to raise maxmemory:\n" +
             MaxmemoryFix(*advice, s, ctx.provider);
    }
    return MakeFinding(severity, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override {
    any_.Reset();
    high_.Reset();
    episode_start_.reset();
    episode_evicted_ = 0;
    last_rate_ = 0;
  }

 private:
  QuietWindow any_;   // last poll that showed an eviction
  QuietWindow high_;  // last poll at warning_rate or more
  std::optional<MonoTime> episode_start_;
  int64_t episode_evicted_ = 0;
  double last_rate_ = 0;  // evictions per second at the last poll that showed any
};

}  // namespace

std::unique_ptr<Check> NewEvictingCheck() { return std::make_unique<EvictingCheck>(); }

}  // namespace memwatch::checks
