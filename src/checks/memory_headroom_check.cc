// memory_headroom: maxmemory is set, but so close to the memory Redis runs
// in (the container's memory_limit, else the host's RAM) that the process
// can be killed before Redis ever enforces maxmemory. Redis's RSS exceeds
// used_memory by client and replication buffers and fragmentation, and a
// fork for RDB/AOF duplicates every page written while it runs. The team's
// first fix for the incident (maxmemory 4gb in a 4g container) is exactly
// this.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

// Fires once maxmemory exceeds the recommendation by more than 1% of the
// base; clears only at or below the recommendation (the measured
// copy-on-write moves the recommendation a little after every fork).
constexpr double kEnterMargin = 0.01;

class MemoryHeadroomCheck final : public Check {
 public:
  MemoryHeadroomCheck() : Check("memory_headroom") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const std::optional<MaxmemoryAdvice> advice =
        RecommendMaxmemory(s, ctx.container, HeadroomSharesFrom(ctx.settings));
    if (s.maxmemory.value_or(0) <= 0 || !advice.has_value()) {
      active_ = false;
      return std::nullopt;
    }
    const int64_t maxmemory = *s.maxmemory;
    const double base = static_cast<double>(advice->base.bytes);
    const bool enter =
        static_cast<double>(maxmemory) > static_cast<double>(advice->bytes) + kEnterMargin * base;
    active_ = enter || (active_ && maxmemory > advice->bytes);
    if (!active_) return std::nullopt;

    const bool host = advice->base.source == "total_system_memory";
    const std::string_view what = host ? "the host's RAM" : "the container's memory limit";
    const double share = static_cast<double>(maxmemory) / base;
    std::string summary;
    if (maxmemory >= advice->base.bytes) {
      summary = fmt::format(
          "maxmemory ({}) is as large as {} ({}): the memory runs out before Redis starts "
          "evicting or refusing writes, and the kernel kills Redis",
          FormatBytes(maxmemory), what, FormatBytes(advice->base.bytes));
    } else {
      summary = fmt::format(
          "maxmemory is {} of {}: too little room is left for {}client buffers and "
          "fragmentation, so Redis can be killed before it reaches maxmemory",
          FormatPercent(share), what, advice->persistence ? "the fork of background saves, " : "");
    }
    if (host) summary += " (total_system_memory is the host's RAM, not the container's)";
    summary += ReplicaMaxmemoryNote(s, ctx.obs.primary, ctx.limit);

    std::vector<Evidence> evidence{
        {"maxmemory", fmt::format("{} ({} of {})", FormatBytes(maxmemory), FormatPercent(share),
                                  DescribeLimit(advice->base))},
        {"persistence", advice->persistence ? "on or assumed on (Redis forks to save)"
                                            : "off (no fork seen, writes left unsaved)"},
    };
    if (advice->cow.has_value()) {
      evidence.push_back({"copy-on-write at the last fork", FormatBytes(*advice->cow)});
    }
    if (s.used_memory.has_value()) {
      evidence.push_back({"used_memory", FormatBytes(*s.used_memory)});
    }
    evidence.push_back({"recommended maxmemory",
                        fmt::format("{} ({})", FormatBytes(advice->bytes), advice->reason)});
    if (host) evidence.push_back({"note", std::string(kHostRamNote)});
    return MakeFinding(Severity::kWarning, std::move(summary), std::move(evidence),
                       MaxmemoryFix(*advice, s, ctx.provider));
  }

  void Reset() override { active_ = false; }

 private:
  bool active_ = false;
};

}  // namespace

std::unique_ptr<Check> NewMemoryHeadroomCheck() { return std::make_unique<MemoryHeadroomCheck>(); }

}  // namespace memwatch::checks
