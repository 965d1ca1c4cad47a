// oom_rejections: Redis refused writes with "OOM command not allowed when
// used memory > 'maxmemory'". The best evidence first: errorstats' OOM
// counter (Redis >= 6.2), else commandstats' rejected_calls (all rejected
// commands, not only OOM), else, on Redis 6.0, the condition itself:
// used_memory >= maxmemory > 0 under noeviction. Fires on the first poll
// whose counter grew (never on the first poll or across a restart or
// CONFIG RESETSTAT: those are no new rejections), stays while rejections
// continue and for `quiet` seconds after the last one.

#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/snapshot_facts.h"
#include "memwatch/saturating.h"

namespace memwatch::checks {
namespace {

struct Rejections {
  int64_t count = 0;        // since the previous poll
  std::string_view source;  // for evidence
};

// What this poll says about rejected writes; nullopt when it cannot tell.
std::optional<Rejections> NewRejections(const CheckContext& ctx) {
  const Snapshot& s = *ctx.snapshot;
  const Counters* prev = ctx.previous;
  if (s.has_errorstats_section) {
    if (prev == nullptr || !prev->oom_errors.has_value()) return std::nullopt;
    const Counters cur = CountersFrom(s, ctx.now());
    const std::optional<int64_t> d = CounterDelta(cur.oom_errors, prev->oom_errors);
    if (!d.has_value()) return std::nullopt;
    return Rejections{*d, "errorstat_OOM"};
  }
  if (s.commandstats_rejected_calls.has_value()) {
    if (prev == nullptr) return std::nullopt;
    const std::optional<int64_t> d =
        CounterDelta(s.commandstats_rejected_calls, prev->rejected_calls);
    if (!d.has_value()) return std::nullopt;
    return Rejections{*d, "commandstats rejected_calls (all rejected commands, not only OOM)"};
  }
  // Redis 6.0: no counter. At maxmemory under noeviction every write fails.
  if (s.maxmemory.value_or(0) > 0 && s.used_memory.has_value() &&
      *CountedForEviction(s) >= *s.maxmemory && s.maxmemory_policy == "noeviction") {
    return Rejections{1, "inferred: used_memory >= maxmemory under noeviction (no errorstats)"};
  }
  return Rejections{0, ""};
}

class OomRejectionsCheck final : public Check {
 public:
  OomRejectionsCheck() : Check("oom_rejections") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const MonoTime now = ctx.now();
    const double quiet = Param(ctx, "quiet");
    const std::optional<Rejections> r = NewRejections(ctx);
    int64_t now_count = 0;
    if (r.has_value() && r->count > 0) {
      if (!last_.Active(now, quiet)) {
        episode_start_ = now;
        episode_total_ = 0;
      }
      last_.Mark(now);
      episode_total_ = SaturatingAdd(episode_total_, r->count);
      source_ = r->source;
      now_count = r->count;
    }
    if (!last_.Active(now, quiet)) {
      Reset();
      return std::nullopt;
    }
    const bool inferred = source_.starts_with("inferred");
    std::string summary =
        now_count > 0
            ? fmt::format(
                  "Redis is refusing writes because it is out of memory (\"OOM command not "
                  "allowed when used memory > 'maxmemory'\"): {}",
                  inferred ? std::string("it is at maxmemory under noeviction")
                           : fmt::format("{} writes failed since the last check",
                                         FormatCount(now_count)))
            : fmt::format(
                  "Redis refused writes for lack of memory until {} ago; the application lost "
                  "those writes",
                  FormatDuration(SecondsBetween(*last_.last(), now)));
    std::vector<Evidence> evidence{{"source", std::string(source_)}};
    if (!inferred) {
      evidence.push_back({"rejected since the last poll", FormatCount(now_count)});
      evidence.push_back({"rejected since it started", FormatCount(episode_total_)});
    }
    evidence.push_back(
        {"started", fmt::format("{} ago", FormatDuration(SecondsBetween(*episode_start_, now)))});
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    if (s.maxmemory_policy.has_value())
      evidence.push_back({"maxmemory_policy", *s.maxmemory_policy});
    return MakeFinding(Severity::kCritical, std::move(summary), std::move(evidence), Fix(ctx));
  }

  void Reset() override {
    last_.Reset();
    episode_start_.reset();
    episode_total_ = 0;
    source_ = {};
  }

 private:
  static std::string Fix(const CheckContext& ctx) {
    const Snapshot& s = *ctx.snapshot;
    std::string fix =
        "Free memory now: redis-cli --bigkeys and redis-cli --memkeys show the largest keys; "
        "delete what is not needed (UNLINK key) or give it a TTL (EXPIRE key seconds).";
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(s, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (advice.has_value() && s.maxmemory.value_or(0) > 0 && advice->bytes > *s.maxmemory) {
      fix += "\nThere is still safe room to raise maxmemory:\n" +
             MaxmemoryFix(*advice, s, ctx.provider);
    }
    if (s.maxmemory_policy == "noeviction" || IsVolatilePolicy(s.maxmemory_policy.value_or(""))) {
      const ConfigChange change{"maxmemory-policy", "allkeys-lru"};
      fix += "\nIf Redis is a cache, let it evict instead of refusing writes:\n" +
             RenderConfigFix(std::span(&change, 1), s, ctx.provider);
    }
    return fix;
  }

  QuietWindow last_;  // last poll that showed a rejection
  std::optional<MonoTime> episode_start_;
  int64_t episode_total_ = 0;
  std::string_view source_;  // points at a literal
};

}  // namespace

std::unique_ptr<Check> NewOomRejectionsCheck() { return std::make_unique<OomRejectionsCheck>(); }

}  // namespace memwatch::checks
