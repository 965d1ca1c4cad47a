#include "app/polling.h"

namespace memwatch::app {

poller::PollerOptions PollerOptionsOf(const config::Config& config) {
  poller::PollerOptions o;
  o.interval = config.interval;
  o.timeout = config.timeout;
  return o;
}

Polling::Polling(const config::Config& config, metrics::MetricsStore* store, NotificationSink* sink,
                 const Clock* clock, uint64_t id_nonce)
    : sink_(sink),
      clock_(clock),
      processor_(config, store, id_nonce),
      poller_(PollerOptionsOf(config), PollProcessor::PollTargets(config),
              [this](const poller::PollResult& r) { OnResult(r); }) {}

Polling::~Polling() { Stop(); }

void Polling::Start() {
  Touch();
  thread_ = std::thread([this] { poller_.Run(); });
}

void Polling::Apply(const config::Config& config) {
  PollEffects effects;
  {
    std::lock_guard lock(mu_);
    effects = processor_.Reconfigure(config);
    // Under the lock: a result polled under the old list that the poller
    // reports after this is matched by name, so it is never booked to
    // another target (PollProcessor::Process).
    poller_.SetOptions(PollerOptionsOf(config));
    poller_.SetTargets(PollProcessor::PollTargets(config));
  }
  Carry(std::move(effects));
}

void Polling::Stop() {
  poller_.Stop();
  if (thread_.joinable()) thread_.join();
}

void Polling::OnResult(const poller::PollResult& result) {
  PollEffects effects;
  {
    std::lock_guard lock(mu_);
    effects = processor_.Process(result, clock_->WallNow());
    if (!first_round_.load() && processor_.FirstRoundComplete()) first_round_ = true;
  }
  Touch();
  Carry(std::move(effects));
}

void Polling::SubmitGroupFindings(const std::string& name, std::vector<Finding> findings) {
  PollEffects effects;
  {
    std::lock_guard lock(mu_);
    effects = processor_.ProcessGroup(name, std::move(findings), clock_->Now(), clock_->WallNow());
  }
  Carry(std::move(effects));
}

void Polling::Carry(PollEffects effects) {
  if (effects.health && health_) health_(*effects.health);
  if (!effects.notifications.empty()) sink_->Submit(std::move(effects.notifications));
  for (const auto& [name, interval] : effects.intervals) poller_.SetFastInterval(name, interval);
}

}  // namespace memwatch::app
