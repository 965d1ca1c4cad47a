#include "poller/schedule.h"

#include <algorithm>

namespace memwatch::poller {

Duration PhaseOffset(size_t index, size_t count, Duration interval) {
  if (count <= 1 || interval <= Duration::zero()) return Duration::zero();
  // Integer milliseconds: 1,000 targets at 1 s are 1 ms apart.
  return interval * static_cast<Duration::rep>(index % count) / static_cast<Duration::rep>(count);
}

MonoTime NextDueAfterSuccess(MonoTime due, Duration interval, Duration phase, MonoTime now) {
  interval = std::max(interval, Duration(1));
  MonoTime next = due + interval + phase;
  if (next < now) next += ((now - next) / interval + 1) * interval;
  return next;
}

MonoTime NextDueAfterIntervalChange(MonoTime last_due, MonoTime next_due, Duration interval,
                                    MonoTime now) {
  return std::min(next_due, std::max(now, last_due + interval));
}

}  // namespace memwatch::poller
