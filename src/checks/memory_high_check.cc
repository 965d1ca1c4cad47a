// memory_high: used memory is close to the effective limit (maxmemory, else
// the container's memory_limit, else the host's RAM). Against maxmemory it
// is the part Redis counts for eviction (UsedAgainst), as Redis does. Quiet when maxmemory
// is set under an allkeys-* policy: there running at maxmemory is how a
// cache works, and evicting reports what it costs.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/key_family_text.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

class MemoryHighCheck final : public Check {
 public:
  MemoryHighCheck() : Check("memory_high") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const std::optional<double> share = UsedShare(s, ctx.limit);
    if (!share.has_value() || EvictsByDesign(s)) {
      level_.reset();
      return std::nullopt;
    }
    const double warning = Param(ctx, "warning");
    const double critical = Param(ctx, "critical");
    const double margin = Param(ctx, "clear_margin");
    level_ = NextLevel(level_, LevelAtLeast(*share, warning, critical),
                       LevelAtLeast(*share, warning - margin, critical - margin));
    if (!level_.has_value()) return std::nullopt;

    std::string summary = fmt::format("Redis uses {} of {}; at 100% {}", FormatPercent(*share),
                                      DescribeLimit(*ctx.limit), AtTheLimit(s, *ctx.limit));
    AppendHeaviest(ctx.obs.key_families.get(), &summary);
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);
    std::vector<Evidence> evidence{
        {"used_memory", DescribeUsed(*s.used_memory, ctx.limit)},
        {"thresholds",
         fmt::format("warning {}, critical {}, clears {} lower", FormatPercent(warning),
                     FormatPercent(critical), FormatPercent(margin))},
    };
    const int64_t not_counted = *s.used_memory - UsedAgainst(s, ctx.limit).value_or(*s.used_memory);
    if (not_counted > 0) {
      evidence.push_back({"not counted against maxmemory",
                          fmt::format("{} (replica buffers beyond the backlog, the AOF buffer: "
                                      "Redis does not evict for them; see replication_buffers)",
                                      FormatBytes(not_counted))});
    }
    if (s.used_memory_peak.has_value()) {
      evidence.push_back({"used_memory_peak", FormatBytes(*s.used_memory_peak)});
    }
    if (s.maxmemory_policy.has_value())
      evidence.push_back({"maxmemory_policy", *s.maxmemory_policy});
    AppendWeightAndGrowthEvidence(ctx.obs.key_families.get(), &evidence);
    return MakeFinding(*level_, std::move(summary), std::move(evidence), Fix(ctx));
  }

  void Reset() override { level_.reset(); }

 private:
  static std::string Fix(const CheckContext& ctx) {
    const Snapshot& s = *ctx.snapshot;
    std::string fix =
        "Find what uses the memory: redis-cli --bigkeys (largest keys per type) and "
        "redis-cli --memkeys (largest by bytes); delete keys that are no longer needed, or give "
        "them a TTL (EXPIRE key seconds).";
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(s, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (advice.has_value() && s.maxmemory.value_or(0) == 0) {
      fix += "\nLet Redis protect itself before the kernel kills it:\n" +
             MaxmemoryFix(*advice, s, ctx.provider);
    } else if (advice.has_value() && advice->bytes > s.maxmemory.value_or(0)) {
      fix += "\nThere is still safe room to raise maxmemory:\n" +
             MaxmemoryFix(*advice, s, ctx.provider);
    } else {
      fix +=
          "\nOr give Redis more memory (a larger container limit or host) and raise "
          "maxmemory with it.";
    }
    if (s.maxmemory_policy == "noeviction") {
      fix += "\nIf Redis is a cache, let it evict: " +
             ConfigFixClause(AllkeysLruChange(), ctx.provider) + ".";
    }
    return fix;
  }

  Level level_;
};

}  // namespace

std::unique_ptr<Check> NewMemoryHighCheck() { return std::make_unique<MemoryHighCheck>(); }

}  // namespace memwatch::checks
