// When each target's polls are due, as pure functions of time: a fixed
// cadence from the due times, a phase per target so that many targets do not
// all come due in the same millisecond, and interval changes (adaptive
// polling) that take effect at once.
#pragma once

#include <cstddef>

#include "memwatch/clock.h"

namespace memwatch::poller {

// The phase of the target at `index` in a list of `count`: its polls after
// the first are shifted by this much, spreading the list evenly over one
// `interval` (index * interval / count, in [0, interval)).
Duration PhaseOffset(size_t index, size_t count, Duration interval);

// When the next poll is due after a successful poll that was due at `due`
// and finished at `now`: `interval` later, plus `phase` (given once, after
// the target's first success). Slots the poll outlasted are skipped: the
// result is never before `now`, and stays on the cadence.
MonoTime NextDueAfterSuccess(MonoTime due, Duration interval, Duration phase, MonoTime now);

// When an idle, healthy target whose last poll was due at `last_due` and
// whose next one is due at `next_due` should next be polled, now that its
// interval is `interval`: one new interval after `last_due`, at once if that
// has passed, and never later than already planned.
MonoTime NextDueAfterIntervalChange(MonoTime last_due, MonoTime next_due, Duration interval,
                                    MonoTime now);

}  // namespace memwatch::poller
