// Configuration checks that need no history: maxmemory_unset and
// noeviction. They fire from the first snapshot (a risky setting is risky
// before anything goes wrong) and escalate to critical once used memory
// reaches `critical_used` of the effective limit.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

std::vector<Evidence> UsedEvidence(const CheckContext& ctx) {
  std::vector<Evidence> e;
  if (ctx.snapshot->used_memory.has_value()) {
    e.push_back({"used_memory", DescribeUsed(*ctx.snapshot->used_memory, ctx.limit)});
  }
  return e;
}

// maxmemory 0 (the default): Redis never limits itself, so the kernel's OOM
// killer or the container runtime ends it, losing everything not saved.
class MaxmemoryUnsetCheck final : public Check {
 public:
  MaxmemoryUnsetCheck() : Check("maxmemory_unset") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    // Absent maxmemory (very old Redis, stripped INFO) is not evidence.
    if (!s.maxmemory.has_value() || *s.maxmemory != 0) {
      level_.reset();
      return std::nullopt;
    }
    const std::optional<double> share = UsedShare(s, ctx.limit);
    level_ = EscalateAtShare(level_, share, Param(ctx, "critical_used"));

    std::string summary = fmt::format(
        "Redis has no memory limit (maxmemory is 0), so it grows until {} runs out of memory "
        "and the kernel kills it, losing all data not saved to disk",
        WhatRunsOut(ctx.limit));
    if (level_ == Severity::kCritical) {
      summary = fmt::format(
          "Redis has no memory limit (maxmemory is 0) and already uses {} of {}'s memory: it "
          "will soon be killed for lack of memory",
          FormatPercent(*share), WhatRunsOut(ctx.limit));
    }
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);
    std::vector<Evidence> evidence{{"maxmemory", "0 (no limit)"}};
    for (Evidence& e : UsedEvidence(ctx)) evidence.push_back(std::move(e));
    return MakeFinding(*level_, std::move(summary), std::move(evidence), Fix(ctx));
  }

  void Reset() override { level_.reset(); }

 private:
  static std::string Fix(const CheckContext& ctx) {
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(*ctx.snapshot, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (advice.has_value()) return MaxmemoryFix(*advice, *ctx.snapshot, ctx.provider);
    return "Set maxmemory to about 75% of the memory Redis may use (90% if it never saves to "
           "disk), e.g. for 4 GiB:\nCONFIG SET maxmemory 3gb\nCONFIG REWRITE\nredis.conf:\n"
           "  maxmemory 3gb\nmemwatch cannot size it: INFO shows no total_system_memory; set "
           "memory_limit for this target.";
  }

  Level level_;
};

// noeviction (the default policy): at maxmemory every write fails with
// "OOM command not allowed when used memory > 'maxmemory'".
class NoevictionCheck final : public Check {
 public:
  NoevictionCheck() : Check("noeviction") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    if (s.maxmemory_policy != "noeviction") {
      level_.reset();
      return std::nullopt;
    }
    const std::optional<double> share = UsedShare(s, ctx.limit);
    level_ = EscalateAtShare(level_, share, Param(ctx, "critical_used"));

    const bool has_max = s.maxmemory.value_or(0) > 0;
    std::string summary =
        has_max ? fmt::format(
                      "When Redis reaches its {} limit it will refuse every write with an OOM "
                      "error instead of removing old keys (policy noeviction)",
                      FormatBytes(*s.maxmemory))
                : std::string(
                      "Redis is set never to remove keys to make room (policy noeviction): once "
                      "it reaches a memory limit, every write fails with an OOM error");
    if (level_ == Severity::kCritical) {
      summary += fmt::format(", and it already uses {} of {}", FormatPercent(*share),
                             DescribeLimit(*ctx.limit));
    }
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);
    std::vector<Evidence> evidence{{"maxmemory_policy", "noeviction"}};
    if (s.maxmemory.has_value()) {
      evidence.push_back(
          {"maxmemory", has_max ? FormatBytes(*s.maxmemory) : std::string("0 (no limit)")});
    }
    for (Evidence& e : UsedEvidence(ctx)) evidence.push_back(std::move(e));
    const ConfigChange change{"maxmemory-policy", "allkeys-lru"};
    std::string fix =
        "If Redis is a cache (its data can be rebuilt from elsewhere), let it remove the least "
        "recently used keys:\n" +
        RenderConfigFix(std::span(&change, 1), s, ctx.provider) +
        "\nIf the data must not be lost, keep noeviction, but give Redis room to spare and act "
        "on memory_high and time_to_full before the limit.";
    return MakeFinding(*level_, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override { level_.reset(); }

 private:
  Level level_;
};

}  // namespace

std::unique_ptr<Check> NewMaxmemoryUnsetCheck() { return std::make_unique<MaxmemoryUnsetCheck>(); }
std::unique_ptr<Check> NewNoevictionCheck() { return std::make_unique<NoevictionCheck>(); }

}  // namespace memwatch::checks
