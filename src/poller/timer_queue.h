// Deadlines of the poller's targets, nearest first. Each key (a target id)
// has at most one deadline: either its next poll or the deadline of its
// request in flight. The event loop sleeps until Next().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "memwatch/clock.h"

namespace memwatch::poller {

class TimerQueue {
 public:
  // Sets `key`'s deadline, replacing any earlier one.
  void Set(uint64_t key, MonoTime when);
  // Removes `key`'s deadline, if any.
  void Cancel(uint64_t key);
  // The nearest deadline, if any.
  std::optional<MonoTime> Next() const;
  // Removes and returns one key whose deadline is <= now (earliest first).
  std::optional<uint64_t> PopExpired(MonoTime now);
  size_t size() const { return by_key_.size(); }

 private:
  std::set<std::pair<MonoTime, uint64_t>> by_time_;
  std::map<uint64_t, MonoTime> by_key_;
};

}  // namespace memwatch::poller
