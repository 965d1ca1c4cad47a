// How many keys the sampler may look at next: a share of Redis's time, as
// measured, capped, and cut back while Redis shows pressure. Pure: every
// input is a value with `now` passed in; no clock is read here.
//
// With the defaults (1 % of Redis time, at most 2000 keys per second) a full
// SCAN cycle over 1,000,000 keys takes 1,000,000 / 2000 = 500 s at best
// (when a key costs Redis 5 us or less); at 50 us per key, 200 keys/s, it
// takes 5000 s. Before the first measurement the rate is
// first_keys_per_second (100 by default).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "memwatch/clock.h"

namespace memwatch::keyspace {

// Why the budget is cut back, for the metrics; kNone while it is not.
enum class BackoffReason : unsigned char {
  kNone,
  kProbeLatency,    // the latency probe saw Redis slow
  kCommandTimeout,  // a command (ours or a probe) timed out
  kMemoryPressure,  // used memory is near its limit
};

// Returns "none", "probe_latency", "command_timeout" or "memory_pressure".
std::string_view BackoffReasonName(BackoffReason reason);

struct SamplingBudgetOptions {
  // Fraction of Redis's time sampling may take (0.01: 10 ms per second).
  double budget = 0.01;
  // A hard cap on the rate, whatever a key costs.
  uint32_t max_keys_per_second = 2000;
  // The rate before any cost was measured: low, as nothing is known yet.
  uint32_t first_keys_per_second = 100;
  // Each pressure signal multiplies the rate by this (0 < f < 1)...
  double backoff_factor = 0.5;
  // ...but never below this fraction of the unthrottled rate.
  double min_fraction = 1.0 / 64;
  // Without new signals, the fraction grows back linearly by this much per
  // second (1/120: from half to full in a minute).
  double recovery_per_second = 1.0 / 120;
};

// Not thread-safe; one per sampled Redis.
class SamplingBudget {
 public:
  explicit SamplingBudget(SamplingBudgetOptions options = {});

  // Reports what sampling cost Redis over an interval: `keys` keys sampled
  // and `redis_usec` microseconds of Redis time. The glue measures the
  // microseconds as INFO commandstats deltas of cmdstat_scan, cmdstat_type,
  // cmdstat_ttl and cmdstat_memory. Those counters are server-wide: other
  // clients' calls of the same commands count too, so the cost per key
  // comes out high and the rate low; the budget errs on the cautious side.
  // An interval with no keys is ignored (there is nothing to divide by; the
  // cost then belongs to other clients). The cost per key used is the larger
  // of this interval's and a decaying average of the intervals so far, so a
  // costlier interval slows sampling at once and a cheaper one speeds it up
  // gradually.
  void OnCost(uint64_t keys, uint64_t redis_usec, MonoTime now);

  // A pressure signal: cuts the rate by backoff_factor (down to
  // min_fraction) and makes `reason` the reported one. kNone is ignored.
  void OnPressure(BackoffReason reason, MonoTime now);

  // Keys the sampler may look at per second from `now`: min(max, budget *
  // 1e6 / cost_per_key_usec) (or first_keys_per_second before any cost),
  // times the backoff fraction.
  double KeysPerSecond(MonoTime now) const;

  // Keys allowed over the next `interval`: KeysPerSecond(now) * interval,
  // rounded down; the fraction left over carries into the next call, so
  // short intervals still add up to the rate.
  uint64_t Allow(Duration interval, MonoTime now);

  // The reason of the last pressure signal while the rate is still cut
  // back by it, else kNone.
  BackoffReason Reason(MonoTime now) const;

  // The fraction of the unthrottled rate allowed at `now`, in
  // [min_fraction, 1].
  double BackoffFraction(MonoTime now) const;

  // The cost per key in microseconds the rate rests on; nullopt before the
  // first interval with keys.
  std::optional<double> CostPerKeyUsec() const;

 private:
  SamplingBudgetOptions options_;
  // Decaying sums of the measured intervals: their ratio is the average
  // cost per key.
  double usec_sum_ = 0;
  double keys_sum_ = 0;
  std::optional<double> cost_per_key_usec_;
  std::optional<MonoTime> last_cost_at_;
  // Backoff: the fraction right after the last signal, and when it came.
  double fraction_at_signal_ = 1;
  MonoTime signal_at_{};
  BackoffReason reason_ = BackoffReason::kNone;
  double carry_ = 0;  // keys < 1 left over from Allow
};

}  // namespace memwatch::keyspace
