// How a dispatcher worker waits before a retry: the seam that lets unit
// tests replay hours of retries in milliseconds (a fake advances a fake
// clock and returns at once) while the daemon can still cut every wait
// short when it stops.
#pragma once

#include <condition_variable>
#include <mutex>

#include "memwatch/clock.h"

namespace memwatch::alerting {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks for `d` or until Interrupt(); returns false iff interrupted.
  // After Interrupt() every call returns false at once. Thread-safe.
  virtual bool SleepFor(Duration d) = 0;
  virtual void Interrupt() = 0;
};

// The real one: waits on a condition variable against the steady clock.
class CondVarSleeper final : public Sleeper {
 public:
  bool SleepFor(Duration d) override;
  void Interrupt() override;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool interrupted_ = false;  // guarded by mu_
};

}  // namespace memwatch::alerting
