// How a dispatcher worker waits before a retry: the seam that lets unit
// tests replay hours of retries in milliseconds (a fake advances a fake
// clock and returns at once) while the daemon can still cut every wait
// short when it stops, and cut a backoff short when a notification that
// must not wait arrives (Wake).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "memwatch/clock.h"

namespace memwatch::alerting {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks for `d` or until Interrupt(); returns false iff interrupted.
  // After Interrupt() every call returns false at once. Wake() does not end
  // it. Thread-safe.
  virtual bool SleepFor(Duration d) = 0;
  // Like SleepFor, but also returns (true) early once Wake() has been
  // called since Wakes() returned `wakes`, including before this call.
  virtual bool SleepUnlessWoken(Duration d, uint64_t wakes) = 0;
  // How many times Wake() was called so far.
  virtual uint64_t Wakes() = 0;
  // Ends every SleepUnlessWoken now running (each caller looks again at
  // what it waits for).
  virtual void Wake() = 0;
  virtual void Interrupt() = 0;
};

// The real one: waits on a condition variable against the steady clock.
class CondVarSleeper final : public Sleeper {
 public:
  bool SleepFor(Duration d) override;
  bool SleepUnlessWoken(Duration d, uint64_t wakes) override;
  uint64_t Wakes() override;
  void Wake() override;
  void Interrupt() override;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;  // guarded by mu_
  uint64_t wakes_ = 0;        // guarded by mu_
};

}  // namespace memwatch::alerting
