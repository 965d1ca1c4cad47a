// One poll of one target, as the check engine sees it.
#pragma once

#include <chrono>
#include <string>

#include "memwatch/clock.h"
#include "memwatch/poll_failure.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

struct Observation {
  MonoTime at;
  PollFailure failure = PollFailure::kNone;
  std::string failure_message;  // for people; never contains a secret
  std::chrono::microseconds probe_duration{0};
  const Snapshot* snapshot = nullptr;  // set iff failure == kNone
};

}  // namespace memwatch::checks
