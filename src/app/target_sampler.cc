#include "app/target_sampler.h"

#include <utility>

#include "keyspace/prefix.h"

namespace memwatch::app {

bool ShouldSample(const config::KeyspaceSettings& settings, const PollHealth& health,
                  const StandIn& stand_in) {
  if (settings.enabled) return *settings.enabled;
  if (stand_in.stands_in) return !health.down && health.replica == true;
  if (stand_in.has_stand_in) {
    // The replica is known to be unusable: down, or no longer a replica.
    const bool replica_usable = !stand_in.other.down && stand_in.other.replica != false;
    if (replica_usable) return false;
  }
  return health.replica == false;
}

keyspace::SamplerOptions SamplerOptionsOf(const config::KeyspaceSettings& settings) {
  keyspace::SamplerOptions o;
  o.fold.delimiters = settings.delimiters;
  o.fold.depth = settings.depth;
  o.top = settings.top;
  o.min_cycle_interval = settings.interval;
  o.protected_patterns = settings.protected_patterns;
  return o;
}

keyspace::SamplingBudgetOptions BudgetOptionsOf(const config::KeyspaceSettings& settings) {
  keyspace::SamplingBudgetOptions o;
  o.budget = settings.budget;
  o.max_keys_per_second = settings.max_keys_per_second;
  return o;
}

std::vector<metrics::KeyspacePrefixValues> PrefixValuesOf(const keyspace::KeyspaceSummary& s) {
  std::vector<metrics::KeyspacePrefixValues> out;
  out.reserve(s.by_bytes.size());
  for (const keyspace::PrefixSummary& p : s.by_bytes) {
    out.push_back({.prefix = p.other ? std::string(metrics::kOtherPrefixLabel)
                                     : keyspace::EscapeKeyName(p.prefix),
                   .keys = p.keys.value,
                   .keys_without_ttl = p.keys_without_ttl.value,
                   .bytes = p.bytes});
  }
  return out;
}

namespace {

KeyFamily FamilyOf(const keyspace::PrefixSummary& p) {
  return {.prefix = keyspace::EscapeKeyName(p.prefix),
          .sampled = p.sampled,
          .keys = p.keys.value,
          .keys_without_ttl = p.keys_without_ttl.value,
          .bytes = p.bytes,
          .share = p.share,
          .keys_growth_per_hour = p.keys_growth_per_hour,
          .keys_without_ttl_growth_per_hour = p.keys_without_ttl_growth_per_hour,
          .bytes_growth_per_hour = p.bytes_growth_per_hour};
}

}  // namespace

KeyFamilies FamiliesOf(const keyspace::KeyspaceSummary& s, MonoTime at) {
  KeyFamilies f;
  f.complete = s.complete;
  f.at = at;
  f.total_keys = s.total_keys;
  f.sampled_keys = s.sampled_keys;
  for (const keyspace::PrefixSummary& p : s.by_bytes) {
    if (!p.other) f.by_bytes.push_back(FamilyOf(p));
  }
  for (const keyspace::PrefixSummary& p : s.by_no_ttl) {
    if (!p.other) f.by_no_ttl.push_back(FamilyOf(p));
  }
  return f;
}

ProtectedKeys ProtectedKeysOf(const keyspace::ProtectedSample& sample,
                              const std::vector<std::string>& patterns) {
  ProtectedKeys p;
  for (const std::string& pattern : patterns)
    p.patterns.push_back(keyspace::EscapeKeyName(pattern));
  p.sampled = sample.sampled;
  p.sampled_with_ttl = sample.with_ttl;
  for (const std::string& key : sample.examples) p.examples.push_back(keyspace::EscapeKeyName(key));
  return p;
}

TargetSampler::TargetSampler(const config::KeyspaceSettings& settings, Duration command_timeout)
    : settings_(settings),
      command_timeout_(command_timeout),
      sampler_(SamplerOptionsOf(settings)),
      budget_(BudgetOptionsOf(settings)) {}

void TargetSampler::Pressure(keyspace::BackoffReason reason, MonoTime now) {
  if (last_pressure_ && now - *last_pressure_ < kPressureEvery) return;
  last_pressure_ = now;
  budget_.OnPressure(reason, now);
}

void TargetSampler::OnFailure(MonoTime now) {
  while (sampler_.batches_due() > 0) sampler_.OnKeyFacts({}, now);
  usec_last_.reset();
}

Status TargetSampler::Tick(const PipelineFn& pipeline, const Clock& clock, Duration interval,
                           const PollHealth& health) {
  const MonoTime start = clock.Now();
  if (health.down) Pressure(keyspace::BackoffReason::kCommandTimeout, start);
  if (health.near_limit) Pressure(keyspace::BackoffReason::kMemoryPressure, start);
  if (health.slow) Pressure(keyspace::BackoffReason::kProbeLatency, start);
  // A failed pipeline past its deadline timed out: pressure on Redis.
  const PipelineFn timed = [&](const std::vector<Argv>& commands, MonoTime deadline) {
    Result<std::vector<poller::Reply>> r = pipeline(commands, deadline);
    if (!r.ok() && clock.Now() >= deadline) {
      Pressure(keyspace::BackoffReason::kCommandTimeout, clock.Now());
    }
    return r;
  };
  // Between cycles (the gap of settings.interval) nothing is sent at all.
  if (!sampler_.WantsScan(start) && sampler_.pending_keys() == 0 && sampler_.batches_due() == 0) {
    usec_last_.reset();
    return Status::Ok();
  }
  if (!usec_last_) {
    Result<uint64_t> usec = ReadSamplingUsec(timed, clock.Now() + command_timeout_);
    if (!usec.ok()) return usec.status();
    usec_last_ = usec.value();
    usec_read_at_ = clock.Now();
    unmeasured_keys_ = 0;
  }
  const uint64_t cycles_before = sampler_.cycles_completed();
  Result<SampleStepResult> step = SampleStep(timed, clock, command_timeout_, sampler_,
                                             budget_.Allow(interval, start), cycles_before + 1);
  if (!step.ok()) return step.status();
  sampled_keys_total_ += step.value().keys;
  unmeasured_keys_ += step.value().spent;
  const bool cycle_done = sampler_.cycles_completed() > cycles_before;
  if (cycle_done || clock.Now() - usec_read_at_ >= kCostEvery) {
    Result<uint64_t> usec = ReadSamplingUsec(timed, clock.Now() + command_timeout_);
    if (!usec.ok()) return usec.status();
    // A counter that went down (CONFIG RESETSTAT, a restart) counts from zero.
    const uint64_t delta = usec.value() >= *usec_last_ ? usec.value() - *usec_last_ : usec.value();
    usec_last_ = usec.value();
    usec_read_at_ = clock.Now();
    redis_usec_total_ += delta;
    budget_.OnCost(unmeasured_keys_, delta, clock.Now());
    unmeasured_keys_ = 0;
  }
  UpdateFigures(cycle_done, health, clock.Now());
  return Status::Ok();
}

void TargetSampler::UpdateFigures(bool cycle_done, const PollHealth& health, MonoTime now) {
  if (cycle_done && sampler_.last_complete() != nullptr) {
    // A complete cycle counts every key: its own count is the total, so
    // the prefix counts are exact rather than scaled to a DBSIZE read at
    // another moment.
    std::optional<keyspace::KeyspaceSummary> summary =
        sampler_.SummarizeLastComplete(sampler_.last_complete()->sampled());
    if (summary) {
      prefixes_ = PrefixValuesOf(*summary);
      cycle_seconds_ = summary->seconds;
      new_families_ = FamiliesOf(*summary, now);
      new_families_->protected_keys =
          ProtectedKeysOf(sampler_.last_complete()->protected_keys, settings_.protected_patterns);
    }
  } else if (sampler_.last_complete() == nullptr && health.keys.has_value() &&
             sampler_.current().sampled() >= kProvisionalMinKeys &&
             (!provisional_at_ || now - *provisional_at_ >= kProvisionalEvery)) {
    provisional_at_ = now;
    new_families_ = FamiliesOf(sampler_.SummarizeInProgress(*health.keys, now), now);
    new_families_->protected_keys =
        ProtectedKeysOf(sampler_.current().protected_keys, settings_.protected_patterns);
  }
}

std::optional<KeyFamilies> TargetSampler::TakeFamilies() {
  std::optional<KeyFamilies> out;
  out.swap(new_families_);
  return out;
}

metrics::KeyspaceValues TargetSampler::Values(MonoTime now) const {
  metrics::KeyspaceValues v;
  v.prefixes = prefixes_;
  v.cycle_seconds = cycle_seconds_;
  v.sampled_keys_total = sampled_keys_total_;
  v.redis_seconds_total = static_cast<double>(redis_usec_total_) / 1e6;
  v.backoff_reason = std::string(keyspace::BackoffReasonName(budget_.Reason(now)));
  return v;
}

}  // namespace memwatch::app
