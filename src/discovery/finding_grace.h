// Holds back findings that a healthy deployment shows for moments: a
// cluster reports cluster_state:fail between flagging a primary failed and
// promoting its replica (1-2 s), and a paused node does not answer until
// the cluster flags it. A finding of a held check is reported once it has
// been present at every evaluation for its grace; the others pass at once.
// Pure: `now` is an argument.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::discovery {

class FindingGrace {
 public:
  // Check name -> how long its finding must last.
  explicit FindingGrace(std::map<std::string, Duration> held) : held_(std::move(held)) {}

  // The findings to report now, of those present now.
  std::vector<Finding> Filter(std::vector<Finding> present, MonoTime now);
  // True iff a held finding is waiting out its grace (evaluate again soon).
  bool waiting() const { return waiting_; }

 private:
  const std::map<std::string, Duration> held_;
  std::map<std::string, MonoTime> since_;  // held check -> present since
  bool waiting_ = false;
};

}  // namespace memwatch::discovery
