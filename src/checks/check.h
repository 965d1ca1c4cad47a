// The interface every check implements, and what the engine hands it for
// each observation. A check owns its hysteresis state; it reads no clock
// (now is ctx.obs.at) and does no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/check_settings.h"
#include "checks/counters.h"
#include "checks/history.h"
#include "checks/observation.h"
#include "checks/target_info.h"
#include "checks/trend.h"
#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"
#include "memwatch/provider.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

struct CheckContext {
  const Observation& obs;
  const Snapshot* snapshot;  // non-null iff the poll succeeded
  // The previous successful poll's counters; null on the first one and
  // right after a restart (uptime went down), so no rate spans a reset.
  const Counters* previous;
  const History& history;  // already holds this observation
  const TargetInfo& target;
  const CheckSettings& settings;
  std::optional<EffectiveLimit> limit;  // of *snapshot
  // The container's limit (ContainerLimitOf): memory_limit from config, else
  // the cgroup limit of the observation; what maxmemory advice is sized from.
  std::optional<EffectiveLimit> container;
  // The trend of used_memory behind `time_to_full` (the window's, or a
  // recent steady one: forecast.h), and the time to reach `limit` at it
  // (TargetMonitor::TimeToFullSeconds()); both nullopt before enough
  // history.
  std::optional<Trend> used_trend;
  std::optional<double> time_to_full;
  // Seconds until any steady recent growth of used_memory would reach
  // `limit`, however short the span it was seen over (EarliestReach):
  // evidence, not a forecast to show.
  std::optional<double> earliest_full;
  // Who runs the target (ResolveProvider): fixes name the managed
  // service's change where it blocks CONFIG SET.
  Provider provider = Provider::kSelfManaged;

  MonoTime now() const { return obs.at; }
};

class Check {
 public:
  explicit Check(std::string_view name) : name_(name) {}
  virtual ~Check() = default;
  Check(const Check&) = delete;
  Check& operator=(const Check&) = delete;

  // Stable name, as in AllChecks().
  std::string_view name() const { return name_; }

  // True for checks that judge only successful polls. While polls fail the
  // engine keeps their last finding as it was (what was true when Redis
  // was last seen) and fires nothing new from them.
  virtual bool NeedsSnapshot() const { return true; }

  // Returns the finding active after ctx.obs, or nullopt. Called once per
  // observation, in time order (only with a snapshot if NeedsSnapshot()).
  virtual std::optional<Finding> Evaluate(const CheckContext& ctx) = 0;

  // Forgets all state (the check was disabled).
  virtual void Reset() = 0;

  // Heap bytes of per-target state beyond the object itself.
  virtual size_t StateBytes() const { return 0; }

 protected:
  double Param(const CheckContext& ctx, std::string_view key) const {
    return ctx.settings.Param(name_, key);
  }
  Finding MakeFinding(Severity severity, std::string summary, std::vector<Evidence> evidence,
                      std::string fix) const {
    return Finding{std::string(name_), severity, std::move(summary), std::move(evidence),
                   std::move(fix)};
  }

 private:
  std::string_view name_;
};

}  // namespace memwatch::checks
