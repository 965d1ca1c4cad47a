// The alert state machine, per (target, check): inactive -> pending (while
// `for:` runs) -> firing -> resolved (back to inactive). Pure: time comes
// only from the arguments, nothing is sent from here.
//
// Per receiver it remembers what that receiver was told (severity, when), so
// that it sends: the first firing, a reminder every repeat_interval, a
// severity change at once (both ways), and - when send_resolved - a resolved
// notification to receivers that were told it fired. An alert that stops
// matching a receiver's filter (critical -> warning for a min_severity:
// critical receiver) is resolved for that receiver.
//
// Everything one evaluation of one target produces for one receiver goes
// out as one Notification. State is in memory only: after a restart, alerts
// still active fire again (the outbox, not this class, makes sure nothing
// already queued is lost).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/alert_policy.h"
#include "alerting/notification.h"
#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::alerting {

class AlertState {
 public:
  // `id_nonce` keeps this run's notification ids apart from those of earlier
  // runs still in the outbox (the daemon passes a random number).
  AlertState(AlertPolicy policy, uint64_t id_nonce);

  // One evaluation of `target`: `active` are the findings active now (at
  // most one per check counts: the most severe). `now` measures `for:` and
  // repeat intervals; `wall_now` is only shown to people. Returns the
  // notifications to send, at most one per receiver, in route order.
  std::vector<Notification> Evaluate(std::string_view target, const std::vector<Finding>& active,
                                     MonoTime now, WallTime wall_now);

  // Applies a reloaded policy, keeping alert state. What receivers no
  // longer in the policy were told is forgotten.
  void SetPolicy(AlertPolicy policy);

  // Drops all state of a target removed from the config, sending nothing.
  void Forget(std::string_view target);

  // Checks currently firing on `target`, sorted.
  std::vector<std::string> Firing(std::string_view target) const;

 private:
  struct Told {
    Severity severity;
    MonoTime last_sent;
  };
  struct Entry {
    Finding finding;        // latest content
    MonoTime active_since;  // for `for:`
    WallTime started_at;    // shown to people
    bool firing = false;
    std::map<std::string, Told, std::less<>> told;  // by receiver name
  };
  using Entries = std::map<std::string, Entry, std::less<>>;  // by check

  // Adds to `out` (indexed like routes) what each receiver must hear about `e`.
  void RouteEntry(std::string_view target, Entry& e, MonoTime now,
                  std::vector<std::vector<Alert>>& out) const;
  void Resolve(const Entry& e, std::vector<std::vector<Alert>>& out) const;
  std::string NextId(WallTime wall_now);

  AlertPolicy policy_;
  uint64_t id_nonce_;
  uint64_t sequence_ = 0;
  std::map<std::string, Entries, std::less<>> targets_;
};

}  // namespace memwatch::alerting
