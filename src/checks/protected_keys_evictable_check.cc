// protected_keys_evictable: the config names keys that must never be
// evicted (keyspace `protected:` patterns), yet Redis's policy can evict
// them once maxmemory is reached: any allkeys-* policy evicts every key,
// a volatile-* policy every key with a TTL, and the sampler found
// protected keys with one. The finding stands for as long as the policy
// (and the sample) say so: a configuration risk, not an event. A replica
// is left out: it does not evict on its own (replica-ignore-maxmemory, the
// default), it follows its primary's evictions.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
#include "checks/key_family_text.h"
#include "checks/protected_keys_fix.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

class ProtectedKeysEvictableCheck final : public Check {
 public:
  ProtectedKeysEvictableCheck() : Check("protected_keys_evictable") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    if (!ctx.obs.key_families || ctx.obs.key_families->protected_keys.patterns.empty() ||
        s.maxmemory.value_or(0) <= 0 || !s.maxmemory_policy.has_value() || s.role == "slave") {
      return std::nullopt;
    }
    const KeyFamilies& kf = *ctx.obs.key_families;
    const ProtectedKeys& p = kf.protected_keys;
    const std::string& policy = *s.maxmemory_policy;
    const bool allkeys = IsAllkeysPolicy(policy);
    if (!allkeys && !(IsVolatilePolicy(policy) && p.sampled_with_ttl > 0)) return std::nullopt;

    const std::string patterns = QuotedNames(p.patterns);
    std::string summary =
        allkeys ? fmt::format(
                      "Redis may evict keys that must never be evicted ({}): policy {} evicts any "
                      "key once memory reaches maxmemory {}",
                      patterns, policy, FormatBytes(*s.maxmemory))
                : fmt::format(
                      "Redis may evict keys that must never be evicted ({}): policy {} evicts keys "
                      "with a TTL once memory reaches maxmemory {}, and {} of the {} protected "
                      "keys sampled have one",
                      patterns, policy, FormatBytes(*s.maxmemory),
                      FormatCount(static_cast<int64_t>(p.sampled_with_ttl)),
                      FormatCount(static_cast<int64_t>(p.sampled)));
    if (allkeys && p.sampled > 0) {
      summary += fmt::format("; the sample found {} of them",
                             FormatCount(static_cast<int64_t>(p.sampled)));
    }
    if (!p.examples.empty()) summary += fmt::format(", e.g. {}", QuotedNames(p.examples));

    std::vector<Evidence> evidence{
        {"maxmemory_policy", policy},
        {"maxmemory", FormatBytes(*s.maxmemory)},
        {"protected patterns", patterns},
    };
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    if (kf.sampled_keys > 0 || kf.complete) {
      evidence.push_back(
          {"protected keys sampled",
           fmt::format("{} ({} with a TTL)", FormatCount(static_cast<int64_t>(p.sampled)),
                       FormatCount(static_cast<int64_t>(p.sampled_with_ttl)))});
      evidence.push_back({"keyspace sample", DescribeSample(kf)});
    }
    if (!p.examples.empty()) evidence.push_back({"protected keys, e.g.", QuotedNames(p.examples)});

    std::string fix = ProtectedKeysFix(policy, ctx.provider);
    return MakeFinding(Severity::kWarning, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override {}
};

}  // namespace

std::unique_ptr<Check> NewProtectedKeysEvictableCheck() {
  return std::make_unique<ProtectedKeysEvictableCheck>();
}

}  // namespace memwatch::checks
