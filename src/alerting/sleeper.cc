#include "alerting/sleeper.h"

namespace memwatch::alerting {

bool CondVarSleeper::SleepFor(Duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return interrupted_; });
}

void CondVarSleeper::Interrupt() {
  {
    std::lock_guard lock(mu_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

}  // namespace memwatch::alerting
