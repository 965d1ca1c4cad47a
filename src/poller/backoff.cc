#include "poller/backoff.h"

#include <algorithm>

namespace memwatch::poller {

Backoff::Backoff(Duration base, Duration max, uint64_t seed)
    : base_(std::max(base, Duration(1))), max_(std::max(max, base_)), rng_(seed) {}

void Backoff::SetBounds(Duration base, Duration max) {
  base_ = std::max(base, Duration(1));
  max_ = std::max(max, base_);
}

Duration Backoff::NextDelay() {
  ++failures_;
  // c = base * 2^(failures-1), doubled step by step so it cannot overflow.
  Duration ceiling = base_;
  for (int i = 1; i < failures_ && ceiling < max_; ++i) {
    ceiling = ceiling > max_ / 2 ? max_ : ceiling * 2;
  }
  ceiling = std::min(ceiling, max_);
  const Duration floor = std::max(base_, ceiling / 2);
  std::uniform_int_distribution<Duration::rep> pick(floor.count(), ceiling.count());
  return Duration(pick(rng_));
}

}  // namespace memwatch::poller
