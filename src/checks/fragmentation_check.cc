// fragmentation: two opposite ways RSS and used_memory disagree.
//  * Fragmentation: the allocator holds much more than the data needs.
//    allocator_frag_ratio/bytes (Redis >= 4, jemalloc) measure only that;
//    without them mem_fragmentation_ratio (RSS / used) with
//    mem_fragmentation_bytes (else RSS - used) stands in. Both the ratio and
//    the wasted bytes must be high: small instances have high ratios from
//    fixed overhead and waste nothing that matters.
//  * Swapping: RSS below used_memory means pages were swapped out, and a
//    swapping Redis is very slow. Below 64 MiB of data the ratio is noise,
//    and pages allocated but never touched make it a little below 1 without
//    any swap, so it takes < 0.9 to fire and >= 0.95 to clear.
#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"

namespace memwatch::checks {
namespace {

constexpr int64_t kSwapMinUsed = 64LL * 1024 * 1024;
constexpr double kSwapEnter = 0.9;
constexpr double kSwapHold = 0.95;
// Fragmentation clears below ratio - 0.1 or bytes x 0.9.
constexpr double kRatioClearMargin = 0.1;
constexpr double kBytesClearFactor = 0.9;

class FragmentationCheck final : public Check {
 public:
  FragmentationCheck() : Check("fragmentation") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    // Swapping.
    const bool can_swap_check =
        s.mem_fragmentation_ratio.has_value() && s.used_memory.value_or(0) > kSwapMinUsed;
    const double rss_ratio = s.mem_fragmentation_ratio.value_or(1);
    swapping_ = can_swap_check && (rss_ratio < kSwapEnter || (swapping_ && rss_ratio < kSwapHold));
    if (swapping_) return SwapFinding(s);

    // Fragmentation.
    const bool allocator = s.allocator_frag_ratio.has_value() && s.allocator_frag_bytes.has_value();
    std::optional<double> ratio;
    std::optional<int64_t> bytes;
    if (allocator) {
      ratio = s.allocator_frag_ratio;
      bytes = s.allocator_frag_bytes;
    } else if (s.mem_fragmentation_ratio.has_value()) {
      ratio = s.mem_fragmentation_ratio;
      bytes = s.mem_fragmentation_bytes;
      if (!bytes.has_value() && s.used_memory_rss.has_value() && s.used_memory.has_value()) {
        bytes = *s.used_memory_rss - *s.used_memory;
      }
    }
    if (!ratio.has_value() || !bytes.has_value()) {
      fragmented_ = false;
      return std::nullopt;
    }
    const double min_ratio = Param(ctx, "ratio");
    const double min_bytes = Param(ctx, "bytes");
    const double b = static_cast<double>(*bytes);
    const bool enter = *ratio > min_ratio && b > min_bytes;
    const bool hold = *ratio > min_ratio - kRatioClearMargin && b > min_bytes * kBytesClearFactor;
    fragmented_ = enter || (fragmented_ && hold);
    if (!fragmented_) return std::nullopt;

    const std::string field = allocator ? "allocator_frag" : "mem_fragmentation";
    std::string summary = fmt::format(
        "Redis holds {} more memory than its data needs (fragmentation ratio {}): that memory "
        "is wasted and counts against the container or host",
        FormatBytes(*bytes), fmt::format("{:.2f}", *ratio));
    std::vector<Evidence> evidence{
        {field + "_ratio", fmt::format("{:.2f} (fires above {:.2f})", *ratio, min_ratio)},
        {field + "_bytes", fmt::format("{} (fires above {})", FormatBytes(*bytes),
                                       FormatBytes(static_cast<int64_t>(min_bytes)))},
    };
    if (s.used_memory.has_value()) evidence.push_back({"used_memory", FormatBytes(*s.used_memory)});
    if (s.used_memory_rss.has_value()) {
      evidence.push_back({"used_memory_rss", FormatBytes(*s.used_memory_rss)});
    }
    const ConfigChange change{"activedefrag", "yes"};
    std::string fix =
        "Let Redis defragment in the background (Redis >= 4 with jemalloc, the "
        "default build on Linux):\n" +
        RenderConfigFix(std::span(&change, 1), s, ctx.provider);
    if (!allocator) {
      fix +=
          "\nThis Redis reports no allocator_frag_* fields, so it may not use jemalloc; "
          "then activedefrag is refused and only a restart (or a failover to a replica) "
          "gives the memory back.";
    } else {
      fix += "\nA restart (or a failover to a replica) also gives the memory back.";
    }
    return MakeFinding(Severity::kWarning, std::move(summary), std::move(evidence), std::move(fix));
  }

  void Reset() override {
    swapping_ = false;
    fragmented_ = false;
  }

 private:
  std::optional<Finding> SwapFinding(const Snapshot& s) const {
    std::vector<Evidence> evidence{
        {"mem_fragmentation_ratio",
         fmt::format("{:.2f} (below {:.2f}: RSS is smaller than the data)",
                     *s.mem_fragmentation_ratio, kSwapEnter)},
        {"used_memory", FormatBytes(*s.used_memory)},
    };
    if (s.used_memory_rss.has_value()) {
      evidence.push_back({"used_memory_rss", FormatBytes(*s.used_memory_rss)});
    }
    return MakeFinding(
        Severity::kWarning,
        "Part of Redis's memory appears to be swapped out to disk (its resident memory is "
        "smaller than its data): every access to those pages is very slow",
        std::move(evidence),
        "Check swap use on the host: free -m, and grep VmSwap /proc/$(pidof redis-server)/status. "
        "Give the host or container more memory or lower maxmemory, and keep Redis out of swap "
        "(sysctl vm.swappiness=1 on the host, or no swap for the container).");
  }

  bool swapping_ = false;
  bool fragmented_ = false;
};

}  // namespace

std::unique_ptr<Check> NewFragmentationCheck() { return std::make_unique<FragmentationCheck>(); }

}  // namespace memwatch::checks
