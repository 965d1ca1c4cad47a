// protected_key_evicted: Redis evicted a key that the config says must
// never be evicted (keyspace `protected:` patterns). The daemon learns of
// each eviction from Redis's `evicted` keyspace events (app's eviction
// watcher records them in Observation::key_families), so the finding
// follows the eviction at the next poll. Critical: the data is gone. It
// stays active for `hold` after the last eviction, so one episode is one
// alert; the count is of the episode.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
#include "checks/protected_keys_fix.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

class ProtectedKeyEvictedCheck final : public Check {
 public:
  ProtectedKeyEvictedCheck() : Check("protected_key_evicted") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const MonoTime now = ctx.now();
    const KeyFamilies* kf = ctx.obs.key_families.get();
    const uint64_t total = kf != nullptr ? kf->protected_keys.evicted_total : 0;
    if (total < seen_) seen_ = 0;  // the watcher started over (a reload)
    if (total > seen_) {
      if (!last_eviction_) episode_ = 0;
      episode_ += total - seen_;
      seen_ = total;
      // The watcher's time of the event; the poll's when it has none.
      last_eviction_ = kf->protected_keys.last_evicted.value_or(now);
      if (*last_eviction_ > now) last_eviction_ = now;
    }
    const Duration hold =
        std::chrono::duration_cast<Duration>(std::chrono::duration<double>(Param(ctx, "hold")));
    if (!last_eviction_ || now - *last_eviction_ >= hold) {
      last_eviction_.reset();
      episode_ = 0;
      return std::nullopt;
    }
    // The board's entry may be gone (sampling stopped) while the episode
    // holds: the finding stays, without names.
    static const ProtectedKeys kNone;
    const ProtectedKeys& p = kf != nullptr ? kf->protected_keys : kNone;
    const Snapshot& s = *ctx.snapshot;
    const double ago = std::chrono::duration<double>(now - *last_eviction_).count();
    std::string summary =
        fmt::format("Redis evicted {} {} that must never be evicted",
                    FormatCount(static_cast<int64_t>(episode_)), episode_ == 1 ? "key" : "keys");
    if (!p.patterns.empty()) summary += " (" + QuotedNames(p.patterns) + ")";
    if (!p.evicted_examples.empty()) {
      summary += fmt::format(": {}", QuotedNames(p.evicted_examples));
    }
    std::vector<Evidence> evidence{
        {"protected keys evicted",
         fmt::format("{} in this episode, {} since the daemon started watching",
                     FormatCount(static_cast<int64_t>(episode_)),
                     FormatCount(static_cast<int64_t>(total)))},
        {"last eviction", ago < 1 ? std::string("just now") : FormatDuration(ago) + " ago"},
    };
    if (!p.evicted_examples.empty()) {
      evidence.push_back({"evicted keys, latest", QuotedNames(p.evicted_examples)});
    }
    evidence.push_back({"protected patterns", QuotedNames(p.patterns)});
    const std::string policy = s.maxmemory_policy.value_or("unknown");
    evidence.push_back({"maxmemory_policy", policy});
    if (s.maxmemory.has_value()) {
      evidence.push_back({"maxmemory", *s.maxmemory > 0 ? FormatBytes(*s.maxmemory) : "0"});
    }
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", DescribeUsed(*s.used_memory, ctx.limit)});
    }
    const std::string why =
        IsVolatilePolicy(policy)
            ? fmt::format(
                  "Redis evicts keys with a TTL when memory reaches maxmemory under {}, "
                  "and these keys had one.\n",
                  policy)
            : fmt::format("Redis evicts any key when memory reaches maxmemory under {}.\n", policy);
    std::string fix = why + ProtectedKeysFix(policy, ctx.provider) +
                      "\nIf they can be rebuilt, restore them from their source now.";
    return MakeFinding(Severity::kCritical, std::move(summary), std::move(evidence),
                       std::move(fix));
  }

  void Reset() override {
    seen_ = 0;
    episode_ = 0;
    last_eviction_.reset();
  }

 private:
  uint64_t seen_ = 0;     // the board's evicted_total at the last evaluation
  uint64_t episode_ = 0;  // evictions since the episode began
  std::optional<MonoTime> last_eviction_;
};

}  // namespace

std::unique_ptr<Check> NewProtectedKeyEvictedCheck() {
  return std::make_unique<ProtectedKeyEvictedCheck>();
}

}  // namespace memwatch::checks
