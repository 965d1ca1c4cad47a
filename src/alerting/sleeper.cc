#include "alerting/sleeper.h"

namespace memwatch::alerting {

bool CondVarSleeper::SleepFor(Duration d) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, d, [this] { return interrupted_; });
}

bool CondVarSleeper::SleepUnlessWoken(Duration d, uint64_t wakes) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return interrupted_ || wakes_ != wakes; });
  return !interrupted_;
}

uint64_t CondVarSleeper::Wakes() {
  std::lock_guard lock(mu_);
  return wakes_;
}

void CondVarSleeper::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void CondVarSleeper::Interrupt() {
  {
    std::lock_guard lock(mu_);
    interrupted_ = true;
  }
  cv_.notify_all();
}

}  // namespace memwatch::alerting
