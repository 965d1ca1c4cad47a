// Where the keyspace sampler thread leaves what it learnt about each
// target's key families, for the poller thread to hand to the check engine
// with the next observation (checks::Observation::key_families): the
// findings name the prefixes behind them. Thread-safe; readers get an
// immutable snapshot (shared_ptr to const), so a read never copies the
// tables and a writer never waits for a reader.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "memwatch/key_families.h"

namespace memwatch::app {

class KeyFamilyBoard {
 public:
  // The figures of a target's latest cycle. What was recorded about its
  // protected keys' evictions (ProtectedKeys' evicted_* and
  // eviction_events) is kept from the board, not taken from `families`.
  void PublishSample(const std::string& target, KeyFamilies families);

  // Applies `update` to a copy of the target's entry (an empty KeyFamilies
  // when it has none) and publishes the copy: for the eviction watcher.
  template <typename F>
  void Update(const std::string& target, F&& update) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(target);
    KeyFamilies next = it != entries_.end() && it->second ? *it->second : KeyFamilies{};
    update(next);
    entries_[target] = std::make_shared<const KeyFamilies>(std::move(next));
  }

  // Forgets the target (not sampled any more, or removed by a reload).
  void Remove(const std::string& target);

  // Primary -> the replica whose sample stands in for it
  // (SamplingStandIns). Replaces the earlier map.
  void SetStandIns(std::map<std::string, std::string> stand_ins);

  // Null when nothing was published for `target`. A primary with a
  // stand-in and no sample of its own gets the stand-in's figures, marked
  // `sampled_on`, with its own protected-key evictions.
  std::shared_ptr<const KeyFamilies> Get(const std::string& target) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const KeyFamilies>> entries_;  // guarded by mu_
  std::map<std::string, std::string> stand_ins_;                       // guarded by mu_
};

}  // namespace memwatch::app
