// The daemon's continuous keyspace sampling of one target, one interval at
// a time: keyspace::Sampler (what to ask) paced by keyspace::SamplingBudget
// (how much), through doctor's SampleStep and INFO commandstats readings
// (app/keyspace_scan.h), with the pressure the poller reports. Each Tick:
//   pressure from the poller (down, near its limit) -> budget.OnPressure
//   n = budget.Allow(interval, now); SampleStep(n) up to the end of a cycle
//   INFO commandstats, at most once a second and at a cycle's end: the
//     delta of the sampler's commands -> budget.OnCost with the keys since
//   between cycles (the settings' interval), nothing at all is sent
//   a cycle just completed: its summary becomes the exported prefixes
// A failed pipeline whose deadline had passed is a command timeout: budget
// pressure. The caller (KeyspaceSampling) owns the connection, backs off
// after failures and logs them. I/O only through PipelineFn; time only
// through the Clock. Not thread-safe: one sampler thread calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/keyspace_scan.h"
#include "config/keyspace_settings.h"
#include "keyspace/budget.h"
#include "keyspace/sampler.h"
#include "memwatch/clock.h"
#include "memwatch/key_families.h"
#include "memwatch/result.h"
#include "metrics/keyspace_metrics.h"

namespace memwatch::app {

// What the poller last said about a target, for the sampler.
struct PollHealth {
  bool down = false;             // the last poll failed
  std::optional<bool> replica;   // INFO role:slave; nullopt before a successful poll
  bool near_limit = false;       // used memory within 5 % of the effective limit
  bool slow = false;             // answers far slower than usual (command_timeouts)
  std::optional<uint64_t> keys;  // INFO keyspace, summed over dbs
};

// Before its first complete cycle, a sampler publishes figures from the
// cycle in progress (KeyFamilies::complete false) once it has looked at
// this many keys, and again every kProvisionalEvery: on a large keyspace
// the first full cycle takes minutes (1 M keys at 2,000 keys/s: 8 min),
// and a finding can name a prefix from a partial sample long before.
inline constexpr uint64_t kProvisionalMinKeys = 1000;
inline constexpr Duration kProvisionalEvery = std::chrono::seconds(10);

// Used memory at or above this share of the effective limit counts as
// memory pressure.
inline constexpr double kNearLimitRatio = 0.95;

// Where a group's sampling runs (SamplingStandIns): a primary whose
// replica stands in for it, or a replica standing in for its primary.
struct StandIn {
  bool has_stand_in = false;  // this primary: `other` is its replica
  bool stands_in = false;     // this replica: stands in for `other`
  PollHealth other;           // what the poller said about the other node
};

// True iff a target with `settings` is sampled given what the poller said:
// enabled: true always, enabled: false never; by default only a target
// known to be a primary, but a group's replica instead of its primary
// while that replica answers (its primary takes over when it is down).
bool ShouldSample(const config::KeyspaceSettings& settings, const PollHealth& health,
                  const StandIn& stand_in = {});

// The sampler and budget options of `settings`.
keyspace::SamplerOptions SamplerOptionsOf(const config::KeyspaceSettings& settings);
keyspace::SamplingBudgetOptions BudgetOptionsOf(const config::KeyspaceSettings& settings);

// The exported values of a complete cycle's summary: its by_bytes list,
// each prefix escaped with EscapeKeyName and "other" as kOtherPrefixLabel.
std::vector<metrics::KeyspacePrefixValues> PrefixValuesOf(const keyspace::KeyspaceSummary& s);

// What the checks read of a complete cycle's summary (KeyFamilies, taken
// at `at`): its by_bytes and by_no_ttl lists without "other", each prefix
// escaped with EscapeKeyName.
KeyFamilies FamiliesOf(const keyspace::KeyspaceSummary& s, MonoTime at);

// What the checks read of a cycle's protected keys (ProtectedKeys without
// the eviction fields): `patterns` and the example names escaped.
ProtectedKeys ProtectedKeysOf(const keyspace::ProtectedSample& sample,
                              const std::vector<std::string>& patterns);

class TargetSampler {
 public:
  TargetSampler(const config::KeyspaceSettings& settings, Duration command_timeout);

  // One interval of sampling (see above). Fails when a pipeline fails or a
  // reply is malformed; the state stays consistent (the Sampler resends
  // what was not answered).
  Status Tick(const PipelineFn& pipeline, const Clock& clock, Duration interval,
              const PollHealth& health);

  // After a failed Tick: the batch whose replies were lost counts as
  // unanswered (Cycle::unanswered: those keys are missing from this
  // cycle's counts) and the commandstats baseline is read again. The cycle
  // goes on: a SCAN cursor stays valid across connections, and a failed
  // SCAN is sent again.
  void OnFailure(MonoTime now);

  metrics::KeyspaceValues Values(MonoTime now) const;
  // New families since the last call, once: those of a cycle that
  // completed, or before the first one, provisional figures from the cycle
  // in progress (see kProvisionalMinKeys); nullopt when there are none.
  std::optional<KeyFamilies> TakeFamilies();
  const config::KeyspaceSettings& settings() const { return settings_; }
  Duration command_timeout() const { return command_timeout_; }
  uint64_t cycles_completed() const { return sampler_.cycles_completed(); }

 private:
  // Pressure signals at most this often, so a steady condition halves the
  // rate once a second rather than every interval.
  static constexpr Duration kPressureEvery = std::chrono::seconds(1);
  void Pressure(keyspace::BackoffReason reason, MonoTime now);
  // After a step: the exported prefixes and the families of a cycle that
  // just completed, else provisional families (kProvisionalMinKeys).
  void UpdateFigures(bool cycle_done, const PollHealth& health, MonoTime now);

  config::KeyspaceSettings settings_;
  Duration command_timeout_;
  keyspace::Sampler sampler_;
  keyspace::SamplingBudget budget_;
  // INFO commandstats is read at most every kCostEvery (and at the end of
  // a cycle), so sampling adds one INFO a second, not one an interval.
  static constexpr Duration kCostEvery = std::chrono::seconds(1);
  std::optional<uint64_t> usec_last_;  // INFO commandstats at the last reading
  MonoTime usec_read_at_{};
  uint64_t unmeasured_keys_ = 0;  // spent since that reading
  std::optional<MonoTime> last_pressure_;
  uint64_t sampled_keys_total_ = 0;
  uint64_t redis_usec_total_ = 0;
  std::optional<std::vector<metrics::KeyspacePrefixValues>> prefixes_;
  std::optional<double> cycle_seconds_;
  std::optional<KeyFamilies> new_families_;
  std::optional<MonoTime> provisional_at_;  // when provisional figures were last taken
};

}  // namespace memwatch::app
