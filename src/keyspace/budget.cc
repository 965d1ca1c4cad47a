#include "keyspace/budget.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace memwatch::keyspace {
namespace {

// Weight of the past in the decaying cost average, per interval.
constexpr double kDecay = 0.5;

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

std::string_view BackoffReasonName(BackoffReason reason) {
  switch (reason) {
    case BackoffReason::kNone:
      return "none";
    case BackoffReason::kProbeLatency:
      return "probe_latency";
    case BackoffReason::kCommandTimeout:
      return "command_timeout";
    case BackoffReason::kMemoryPressure:
      return "memory_pressure";
  }
  return "none";
}

SamplingBudget::SamplingBudget(SamplingBudgetOptions options) : options_(options) {
  options_.budget = std::clamp(options_.budget, 0.0, 1.0);
  options_.min_fraction = std::clamp(options_.min_fraction, 0.0, 1.0);
  if (!(options_.backoff_factor > 0 && options_.backoff_factor < 1)) {
    options_.backoff_factor = 0.5;
  }
  options_.recovery_per_second = std::max(0.0, options_.recovery_per_second);
}

void SamplingBudget::OnCost(uint64_t keys, uint64_t redis_usec, MonoTime now) {
  if (keys == 0) {
    return;
  }
  const auto k = static_cast<double>(keys);
  const auto us = static_cast<double>(redis_usec);
  usec_sum_ = usec_sum_ * kDecay + us;
  keys_sum_ = keys_sum_ * kDecay + k;
  cost_per_key_usec_ = std::max(us / k, usec_sum_ / keys_sum_);
  last_cost_at_ = now;
}

void SamplingBudget::OnPressure(BackoffReason reason, MonoTime now) {
  if (reason == BackoffReason::kNone) {
    return;
  }
  fraction_at_signal_ =
      std::max(options_.min_fraction, BackoffFraction(now) * options_.backoff_factor);
  signal_at_ = now;
  reason_ = reason;
}

double SamplingBudget::BackoffFraction(MonoTime now) const {
  if (reason_ == BackoffReason::kNone) {
    return 1;
  }
  const double elapsed = std::max(0.0, Seconds(now - signal_at_));
  return std::min(1.0, fraction_at_signal_ + options_.recovery_per_second * elapsed);
}

BackoffReason SamplingBudget::Reason(MonoTime now) const {
  return BackoffFraction(now) < 1 ? reason_ : BackoffReason::kNone;
}

double SamplingBudget::KeysPerSecond(MonoTime now) const {
  const auto cap = static_cast<double>(options_.max_keys_per_second);
  double rate = std::min(cap, static_cast<double>(options_.first_keys_per_second));
  if (cost_per_key_usec_.has_value()) {
    rate =
        *cost_per_key_usec_ > 0 ? std::min(cap, options_.budget * 1e6 / *cost_per_key_usec_) : cap;
  }
  return rate * BackoffFraction(now);
}

uint64_t SamplingBudget::Allow(Duration interval, MonoTime now) {
  const double seconds = std::max(0.0, Seconds(interval));
  const double keys = KeysPerSecond(now) * seconds + carry_;
  const double whole = std::floor(keys);
  carry_ = std::min(keys - whole, 1.0);
  // The rate is at most max_keys_per_second (a uint32_t), so this fits
  // unless the interval is absurd; clamp it anyway.
  return whole >= 1e18 ? static_cast<uint64_t>(1e18) : static_cast<uint64_t>(whole);
}

std::optional<double> SamplingBudget::CostPerKeyUsec() const { return cost_per_key_usec_; }

}  // namespace memwatch::keyspace
