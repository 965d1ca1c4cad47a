// command_timeouts: the target answers too slowly. Three signs, any one
// enough: the poll timed out (warning; critical after `critical_after` in a
// row), the INFO probe took more than latency_factor x the p99 of recent
// normal probes and more than min_latency (a probe that slow means every
// client waits as long), or blocked_clients reached its threshold (clients
// stuck in BLPOP & co.; job queues do this by design, hence a high
// default). Stays for the `quiet` param after the last slow sign so one normal
// probe between slow ones does not clear it.
#include <algorithm>
#include <array>
#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"
#include "checks/hysteresis.h"

namespace memwatch::checks {
namespace {

// Normal probes kept for the baseline; spikes are left out so a slow spell
// does not become the new normal.
constexpr size_t kBaselineSize = 128;
constexpr size_t kMinBaseline = 30;

class CommandTimeoutsCheck final : public Check {
 public:
  CommandTimeoutsCheck() : Check("command_timeouts") {}

  bool NeedsSnapshot() const override { return false; }

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Observation& obs = ctx.obs;
    Level raw;
    std::string summary;
    std::vector<Evidence> evidence;
    if (obs.failure == PollFailure::kTimeout) {
      ++consecutive_timeouts_;
      raw = consecutive_timeouts_ >= Param(ctx, "critical_after") ? Severity::kCritical
                                                                  : Severity::kWarning;
      summary = fmt::format(
          "Redis did not answer within the timeout ({} polls in a row): applications "
          "talking to it are likely stuck or failing too",
          consecutive_timeouts_);
      evidence = {{"timeouts in a row", std::to_string(consecutive_timeouts_)},
                  {"last error", obs.failure_message}};
    } else if (obs.failure != PollFailure::kNone) {
      consecutive_timeouts_ = 0;  // not a slowness sign: target_down reports it
    } else {
      consecutive_timeouts_ = 0;
      const double probe_s = std::chrono::duration<double>(obs.probe_duration).count();
      const std::optional<double> p99 = BaselineP99();
      const bool outlier = p99.has_value() && probe_s > Param(ctx, "latency_factor") * *p99;
      if (outlier && probe_s > Param(ctx, "min_latency")) {
        raw = Severity::kWarning;
        summary = fmt::format(
            "Redis answers far slower than usual: INFO took {} ms, {}x its usual {} ms",
            FormatNumber(probe_s * 1000), FormatNumber(probe_s / *p99), FormatNumber(*p99 * 1000));
        evidence = {{"probe latency", fmt::format("{} ms", FormatNumber(probe_s * 1000))},
                    {"usual p99", fmt::format("{} ms", FormatNumber(*p99 * 1000))}};
      } else if (!outlier) {
        AddToBaseline(obs.probe_duration);  // fast outliers stay out too: p99 of 128 is ~max
      }
      const int64_t blocked = ctx.snapshot->blocked_clients.value_or(0);
      if (blocked >= Param(ctx, "blocked_clients")) {
        raw = Severity::kWarning;
        if (summary.empty()) {
          summary = fmt::format(
              "{} clients are blocked waiting on Redis (BLPOP, WAIT, ...): requests pile up",
              FormatCount(blocked));
        }
        evidence.push_back({"blocked_clients", FormatCount(blocked)});
      }
    }
    if (raw.has_value()) {
      bad_.Mark(obs.at);
      active_ = MakeFinding(*raw, std::move(summary), std::move(evidence), Fix());
    } else if (!bad_.Active(obs.at, Param(ctx, "quiet"))) {
      active_.reset();
    }
    return active_;
  }

  void Reset() override {
    consecutive_timeouts_ = 0;
    baseline_size_ = 0;
    baseline_next_ = 0;
    bad_.Reset();
    active_.reset();
  }

  size_t StateBytes() const override { return sizeof(baseline_); }

 private:
  static std::string Fix() {
    return "Look for what blocks Redis: SLOWLOG GET 10 (slow commands such as KEYS *, large "
           "DEL or SMEMBERS on huge keys), LATENCY DOCTOR, CLIENT LIST for blocked clients; a "
           "fork on a large dataset or swapping also stalls it (check fragmentation and "
           "persistence). Replace KEYS with SCAN and DEL of big keys with UNLINK.";
  }

  void AddToBaseline(std::chrono::microseconds d) {
    baseline_[baseline_next_] = static_cast<uint32_t>(
        std::clamp<int64_t>(d.count(), 0, std::numeric_limits<uint32_t>::max()));
    baseline_next_ = (baseline_next_ + 1) % kBaselineSize;
    baseline_size_ = std::min(baseline_size_ + 1, kBaselineSize);
  }

  // Seconds; nullopt until kMinBaseline normal probes were seen.
  std::optional<double> BaselineP99() const {
    if (baseline_size_ < kMinBaseline) return std::nullopt;
    std::array<uint32_t, kBaselineSize> sorted = baseline_;
    auto end = sorted.begin() + static_cast<std::ptrdiff_t>(baseline_size_);
    const size_t k = (baseline_size_ * 99) / 100;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k), end);
    // Sub-millisecond baselines would make any hiccup a spike: min_latency
    // guards that, this floor keeps the ratio in the summary sane.
    return std::max<double>(sorted[k], 100) / 1e6;
  }

  int consecutive_timeouts_ = 0;
  std::array<uint32_t, kBaselineSize> baseline_{};  // microseconds, ring
  size_t baseline_size_ = 0;
  size_t baseline_next_ = 0;
  QuietWindow bad_;  // last poll with a slowness sign
  std::optional<Finding> active_;
};

}  // namespace

std::unique_ptr<Check> NewCommandTimeoutsCheck() {
  return std::make_unique<CommandTimeoutsCheck>();
}

}  // namespace memwatch::checks
