// When a newer notification about a target reaches a receiver's queue while
// an older one about the same target still waits there, the newer one takes
// over whatever the older one says that is no longer news, so that the first
// message after a receiver outage says what is true now. Pure: the outbox
// decides when to call it and makes the result durable.
//
// Per check, with `a1` the older notification's alert and `a2` the newer's:
//   only a1, firing     -> moves into the newer one unchanged (its state is
//                          still current: nothing was sent about it since)
//   only a1, resolved   -> moves into the newer one with the time it was
//                          resolved (ended_at: the older created_at), so
//                          the first message after an outage has it all
//   only a2             -> the newer one, unchanged
//   a1 firing, a2 firing
//                       -> one alert at a2's severity, in the newer one; it
//                          started when the earlier of the two started, and
//                          tells what the receiver knew before a1: first
//                          firing (a1 was the first), a severity change from
//                          what it was told (previous_severity, which
//                          Alertmanager must end) or a reminder (the same)
//   a1 firing, a2 resolved
//                       -> a2 alone, in the newer one, when a1 was a reminder
//                          or the first firing (the resolved tells the whole
//                          story: it started when a1 started), so the first
//                          message after an outage is the current state;
//                          when a1 was a severity change, a1 stays
//                          (Alertmanager must end the old severity) and a2
//                          follows
//   a1 resolved, a2 firing
//                       -> as a1 firing, a2 firing, with a1's severity as
//                          what the receiver was told: the finding is back,
//                          which is what is true now (a reminder at the
//                          same severity, which Alertmanager sees go on; a
//                          change from a1's severity otherwise, which ends it)
//   a1 resolved, a2 resolved (not made by AlertState) -> a1 stays, a2 follows
// What stays keeps the older notification's id and place in line; the
// merged one comes right after it. Test notifications are never merged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "alerting/notification.h"

namespace memwatch::alerting {

struct Supersession {
  // The alerts of the older notification that must still be delivered as
  // they are, in their order; empty when the newer one replaces it whole.
  std::vector<Alert> kept;
  // The newer notification carrying the current state of every check of
  // the older one it took over; its alerts in AlertOrder.
  Notification merged;
  // The checks of the older notification that `merged` took over (never
  // empty), sorted.
  std::vector<std::string> taken;
};

// What `newer` takes over from `older` (both to the same receiver about the
// same target, `newer` produced later); nullopt when it takes over nothing.
std::optional<Supersession> Supersede(const Notification& older, const Notification& newer);

}  // namespace memwatch::alerting
