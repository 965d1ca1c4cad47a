#include "poller/poller.h"

#include "poller/poll_loop.h"

namespace memwatch::poller {

class Poller::Impl {
 public:
  Impl(PollerOptions options, Callback callback)
      : loop(options, std::move(callback), /*once=*/false) {}
  PollLoop loop;
};

Poller::Poller(PollerOptions options, std::vector<PollTarget> targets, Callback callback)
    : impl_(std::make_unique<Impl>(options, std::move(callback))) {
  impl_->loop.QueueTargets(std::move(targets));  // applied when Run() starts
}

Poller::~Poller() = default;

void Poller::Run() { impl_->loop.Run(); }
void Poller::Stop() { impl_->loop.Stop(); }
void Poller::SetTargets(std::vector<PollTarget> targets) {
  impl_->loop.QueueTargets(std::move(targets));
}
void Poller::SetOptions(PollerOptions options) { impl_->loop.QueueOptions(options); }
void Poller::SetFastInterval(const std::string& name, std::optional<Duration> interval) {
  impl_->loop.QueueFastInterval(name, interval);
}

void Poller::PollSoon(const std::string& name) { impl_->loop.QueuePollSoon(name); }

std::vector<PollResult> PollOnce(const PollerOptions& options,
                                 const std::vector<PollTarget>& targets) {
  std::vector<PollResult> results(targets.size());
  if (targets.empty()) return results;
  PollLoop loop(
      options, [&results](const PollResult& r) { results[r.target_index] = r; }, /*once=*/true);
  loop.QueueTargets(targets);
  loop.Run();
  return results;
}

}  // namespace memwatch::poller
