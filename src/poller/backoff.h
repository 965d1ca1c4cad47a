// Reconnect delays for one target: exponential with jitter. Jitter keeps a
// fleet of targets that failed together (a network blip, a Redis restart)
// from reconnecting in lock-step; the cap keeps a target that keeps failing
// (dead host, wrong password) from being tried more than once per `max`.
#pragma once

#include <cstdint>
#include <random>

#include "memwatch/clock.h"

namespace memwatch::poller {

class Backoff {
 public:
  // `base` is the delay after the first failure (the poll interval), `max`
  // the cap (PollerOptions::backoff_max). `seed` makes the jitter
  // reproducible in tests; the poller seeds each target differently.
  Backoff(Duration base, Duration max, uint64_t seed);

  // Records one more consecutive failure and returns the delay before the
  // next attempt. With n consecutive failures (n >= 1) and
  // c = clamp(base * 2^(n-1), base, max), the delay is uniform in
  // [max(base, c/2), c]: the first retry comes after exactly `base`, later
  // ones spread over the upper half of their window. Never below `base` and
  // never below 1 ms, so a target is never retried faster than it is polled.
  Duration NextDelay();

  // New bounds (a reload changed the interval); the failures so far count
  // on, so a target that keeps failing does not start over at `base`.
  void SetBounds(Duration base, Duration max);

  // A successful poll: the next failure starts again at `base`.
  void Reset() { failures_ = 0; }

  // Consecutive failures recorded since the last Reset().
  int failures() const { return failures_; }

 private:
  Duration base_;
  Duration max_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace memwatch::poller
