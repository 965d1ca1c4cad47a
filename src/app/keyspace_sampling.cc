#include "app/keyspace_sampling.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/poll_processor.h"
#include "app/sampling_stand_ins.h"

namespace memwatch::app {

KeyspaceSampling::KeyspaceSampling(const config::Config& config, metrics::MetricsStore* store,
                                   KeyFamilyBoard* board, const Clock* clock)
    : store_(store), board_(board), clock_(clock), pending_(SpecsOf(config)) {
  board_->SetStandIns(SamplingStandIns(config));
}

KeyspaceSampling::~KeyspaceSampling() { Stop(); }

std::map<std::string, KeyspaceSampling::Spec> KeyspaceSampling::SpecsOf(
    const config::Config& config) {
  std::map<std::string, Spec> out;
  const std::vector<poller::PollTarget> targets = PollProcessor::PollTargets(config);
  for (size_t i = 0; i < targets.size() && i < config.targets.size(); ++i) {
    out[targets[i].name] = Spec{targets[i],
                                config.targets[i].keyspace,
                                std::max(config.timeout, kMinSamplerCommandTimeout),
                                "",
                                "",
                                config.targets[i].discovered_by == "cluster"};
  }
  for (const auto& [primary, replica] : SamplingStandIns(config)) {
    out[primary].stand_in = replica;
    out[replica].stands_in_for = primary;
  }
  return out;
}

void KeyspaceSampling::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void KeyspaceSampling::Apply(const config::Config& config) {
  board_->SetStandIns(SamplingStandIns(config));
  std::lock_guard lock(mu_);
  pending_ = SpecsOf(config);
}

void KeyspaceSampling::OnPollHealth(const std::string& target, const PollHealth& health) {
  std::lock_guard lock(mu_);
  health_[target] = health;
}

void KeyspaceSampling::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool KeyspaceSampling::Stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void KeyspaceSampling::TakeSpecs() {
  std::optional<std::map<std::string, Spec>> specs;
  {
    std::lock_guard lock(mu_);
    specs.swap(pending_);
  }
  if (!specs) return;
  std::map<std::string, Entry> next;
  for (auto& [name, spec] : *specs) {
    auto it = entries_.find(name);
    if (it != entries_.end() && it->second.spec == spec) {
      next[name] = std::move(it->second);
      continue;
    }
    if (it != entries_.end()) {
      spdlog::info("{}: address or keyspace settings changed; keyspace sampler restarted", name);
      store_->RecordKeyspace(name, std::nullopt);
      board_->Remove(name);
    }
    Entry e;
    e.spec = spec;
    next[name] = std::move(e);
  }
  for (const auto& entry : entries_) {
    if (!next.contains(entry.first)) board_->Remove(entry.first);
  }
  entries_ = std::move(next);
}

StandIn KeyspaceSampling::StandInOf(const Spec& spec) {
  StandIn s;
  s.has_stand_in = !spec.stand_in.empty();
  s.stands_in = !spec.stands_in_for.empty();
  const std::string& other = s.has_stand_in ? spec.stand_in : spec.stands_in_for;
  if (other.empty()) return s;
  std::lock_guard lock(mu_);
  auto it = health_.find(other);
  if (it != health_.end()) s.other = it->second;
  return s;
}

void KeyspaceSampling::TickOne(const std::string& name, Entry& e, const PollHealth& health) {
  const bool sample = ShouldSample(e.spec.settings, health, StandInOf(e.spec));
  if (!sample) {
    if (e.sampling) {
      spdlog::info("{}: keyspace sampling off ({})", name,
                   e.spec.stand_in.empty()
                       ? "a replica, or keyspace.enabled: false"
                       : "replica " + e.spec.stand_in + " samples for this primary");
      e.client.reset();
      e.sampler.reset();
      store_->RecordKeyspace(name, std::nullopt);
      board_->Remove(name);
    }
    e.sampling = false;
    return;
  }
  e.sampling = true;
  const MonoTime now = clock_->Now();
  if (now < e.retry_at) return;
  if (!e.client) {
    e.client = std::make_unique<poller::CommandClient>(e.spec.target,
                                                       poller::CommandClientOptions{}, *clock_);
  }
  if (!e.sampler) {
    e.sampler = std::make_unique<TargetSampler>(e.spec.settings, e.spec.command_timeout);
  }
  // Fails at once when stopping, so Stop waits for at most one pipeline.
  PipelineFn pipeline = [this, &e](const std::vector<Argv>& commands,
                                   MonoTime deadline) -> Result<std::vector<poller::Reply>> {
    if (Stopping()) return Status::Error("stopping");
    return e.client->Pipeline(commands, deadline);
  };
  if (e.spec.cluster_node) pipeline = WithReadOnly(std::move(pipeline));
  Status s = e.sampler->Tick(pipeline, *clock_, kScanInterval, health);
  if (s.ok()) {
    if (!e.last_error.empty()) spdlog::info("{}: keyspace sampling works again", name);
    e.last_error.clear();
    e.backoff = kSamplerFirstBackoff;
  } else if (!Stopping()) {
    if (s.message() != e.last_error) {
      spdlog::warn("{}: keyspace sampling failed: {}; retrying in {} s", name, s.message(),
                   std::chrono::duration_cast<std::chrono::seconds>(e.backoff).count());
    }
    e.last_error = s.message();
    e.client->Close();
    e.sampler->OnFailure(clock_->Now());
    e.retry_at = clock_->Now() + e.backoff;
    e.backoff = std::min(e.backoff * 2, kSamplerMaxBackoff);
  }
  if (std::optional<KeyFamilies> families = e.sampler->TakeFamilies()) {
    board_->PublishSample(name, std::move(*families));
  }
  store_->RecordKeyspace(name, e.sampler->Values(clock_->Now()));
}

void KeyspaceSampling::Loop() {
  for (;;) {
    TakeSpecs();
    const MonoTime start = clock_->Now();
    for (auto& [name, e] : entries_) {
      if (Stopping()) return;
      PollHealth health;
      {
        std::lock_guard lock(mu_);
        auto it = health_.find(name);
        if (it != health_.end()) health = it->second;
      }
      TickOne(name, e, health);
    }
    const Duration left =
        std::chrono::duration_cast<Duration>(start + kScanInterval - clock_->Now());
    std::unique_lock lock(mu_);
    if (stopping_) return;
    if (left > Duration::zero()) wake_.wait_for(lock, left, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace memwatch::app
