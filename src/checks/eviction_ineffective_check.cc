// eviction_ineffective: a volatile-* policy evicts only keys that carry a
// TTL. When most keys have none (the incident's job wrote keys without TTL)
// Redis evicts almost nothing at maxmemory, rejects writes just like
// noeviction, and the few keys it does evict are exactly the ones the
// application meant to be temporary.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/key_family_text.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

// Clears only once the TTL share is this far above min_ttl_share.
constexpr double kClearMargin = 0.05;

// The allkeys-* policy with the same algorithm (volatile-ttl has none: lru).
std::string AllkeysPolicyFor(std::string_view volatile_policy) {
  if (volatile_policy == "volatile-lfu") return "allkeys-lfu";
  if (volatile_policy == "volatile-random") return "allkeys-random";
  return "allkeys-lru";
}

class EvictionIneffectiveCheck final : public Check {
 public:
  EvictionIneffectiveCheck() : Check("eviction_ineffective") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const std::optional<KeyspaceTotals> ks = SumKeyspace(s);
    if (!s.maxmemory_policy.has_value() || !IsVolatilePolicy(*s.maxmemory_policy) ||
        !ks.has_value() || ks->keys <= 0) {
      level_.reset();
      return std::nullopt;
    }
    const double ttl_share = static_cast<double>(ks->expires) / static_cast<double>(ks->keys);
    const double min_share = Param(ctx, "min_ttl_share");
    const bool enter = ttl_share < min_share;
    const bool hold = ttl_share < min_share + kClearMargin;
    if (!enter && !(level_.has_value() && hold)) {
      level_.reset();
      return std::nullopt;
    }
    // Critical only against maxmemory: without it nothing is evicted anyway
    // and maxmemory_unset speaks for the risk.
    const bool has_max = s.maxmemory.value_or(0) > 0;
    std::optional<double> used_share;
    if (has_max && s.used_memory.has_value()) {
      used_share = static_cast<double>(*CountedForEviction(s)) / static_cast<double>(*s.maxmemory);
    }
    level_ = has_max ? EscalateAtShare(level_, used_share, Param(ctx, "critical_used"))
                     : Level(Severity::kWarning);

    const std::string& policy = *s.maxmemory_policy;
    std::string summary = fmt::format(
        "Redis may only evict keys that have a TTL (policy {}), but only {} of keys have one: "
        "when memory is full it evicts almost nothing and refuses writes like noeviction, and "
        "the few keys it does evict are exactly those with a TTL",
        policy, FormatPercent(ttl_share));
    if (level_ == Severity::kCritical) {
      summary += fmt::format("; memory is already at {} of maxmemory", FormatPercent(*used_share));
    }
    // The families that cannot be evicted, when the sampler knows them.
    std::vector<const KeyFamily*> stuck;
    if (ctx.obs.key_families) stuck = MostWithoutTtl(*ctx.obs.key_families);
    if (!stuck.empty()) {
      summary += fmt::format("; it cannot evict {}", DescribeWithoutTtl(*stuck.front()));
      if (stuck.size() > 1) summary += fmt::format(" (and {} more prefixes)", stuck.size() - 1);
    }
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);
    std::vector<Evidence> evidence{
        {"maxmemory_policy", policy},
        {"keys", fmt::format("{} ({} without a TTL)", FormatCount(ks->keys),
                             FormatCount(ks->WithoutTtl()))},
        {"keys with a TTL",
         fmt::format("{} (needs at least {})", FormatPercent(ttl_share), FormatPercent(min_share))},
    };
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    if (ctx.obs.key_families) {
      AppendFamilyEvidence("key prefixes that cannot be evicted (no TTL)", stuck,
                           *ctx.obs.key_families, DescribeWithoutTtl, &evidence);
    }
    const ConfigChange change{"maxmemory-policy", AllkeysPolicyFor(policy)};
    std::string fix =
        "If Redis is a cache, let it evict among all keys:\n" +
        RenderConfigFix(std::span(&change, 1), s, ctx.provider) +
        "\nIf the keys must not be evicted, keep the policy and give the temporary keys a TTL "
        "where they are written (SET key value EX 3600, or EXPIRE key 3600), and size "
        "maxmemory for the keys without one.";
    return MakeFinding(*level_, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override { level_.reset(); }

 private:
  Level level_;
};

}  // namespace

std::unique_ptr<Check> NewEvictionIneffectiveCheck() {
  return std::make_unique<EvictionIneffectiveCheck>();
}

}  // namespace memwatch::checks
