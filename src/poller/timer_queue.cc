#include "poller/timer_queue.h"

namespace memwatch::poller {

void TimerQueue::Set(uint64_t key, MonoTime when) {
  Cancel(key);
  by_key_.emplace(key, when);
  by_time_.emplace(when, key);
}

void TimerQueue::Cancel(uint64_t key) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  by_time_.erase({it->second, key});
  by_key_.erase(it);
}

std::optional<MonoTime> TimerQueue::Next() const {
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first;
}

std::optional<uint64_t> TimerQueue::PopExpired(MonoTime now) {
  if (by_time_.empty() || by_time_.begin()->first > now) return std::nullopt;
  const uint64_t key = by_time_.begin()->second;
  by_time_.erase(by_time_.begin());
  by_key_.erase(key);
  return key;
}

}  // namespace memwatch::poller
