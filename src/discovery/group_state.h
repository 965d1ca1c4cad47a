// What the daemon knows of one Sentinel group (a primary, its replicas and
// the sentinels watching them), reconciled from the sentinels' answers of
// each discovery round and from +switch-master messages. Pure: the caller
// asks the sentinels, parses their replies (sentinel_view.h) and passes
// them in with `now`; nothing here does I/O or reads a clock.
//
// Rules:
//  - The primary is the address named by more than half of the sentinels
//    that named one this round (unreachable sentinels, and those that do
//    not know the group, do not vote). Without such a majority the primary
//    stays what it was, and the view says the sentinels disagree.
//  - A failover event (old address -> new, at `now`) is returned exactly
//    once per change of the primary, whichever reports it first: a round's
//    majority or a +switch-master message. The first primary learnt is no
//    failover.
//  - Stale sentinels: a round whose majority names the primary of before
//    the last failover while some sentinel already names the current one
//    does not switch back (sentinels converge within seconds of a
//    failover; a real fail-back is taken once no sentinel names the current
//    primary any more, or at once from its +switch-master).
//  - Quorum: a failover needs `quorum` sentinels to agree the primary is
//    down and a majority of all the group's sentinels to elect a leader, so
//    `needed` is the larger of the two. quorum_lost: fewer sentinels
//    reachable than needed (no failover can happen); quorum_at_risk: no
//    spare (losing one more sentinel loses it), lost included.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "discovery/node_address.h"
#include "discovery/sentinel_view.h"
#include "memwatch/clock.h"

namespace memwatch::discovery {

// One sentinel's answers in one round.
struct SentinelReport {
  std::string sentinel;    // which sentinel, for logs ("10.0.0.5:26379")
  bool reachable = false;  // false: it did not answer; the fields below are ignored
  // GET-MASTER-ADDR-BY-NAME; nullopt when the sentinel does not know the group.
  std::optional<NodeAddress> primary;
  std::optional<SentinelPrimary> master;   // SENTINEL MASTER, when it answered
  std::vector<SentinelInstance> replicas;  // SENTINEL REPLICAS
};

struct FailoverEvent {
  NodeAddress from;
  NodeAddress to;
  MonoTime at;
  bool operator==(const FailoverEvent&) const = default;
};

struct ReplicaView {
  NodeAddress address;
  bool down = false;  // some sentinel that agrees on the primary reports it down
  bool operator==(const ReplicaView&) const = default;
};

struct GroupView {
  std::optional<NodeAddress> primary;  // nullopt until a majority named one
  bool sentinels_disagree = false;     // this round named more than one primary
  // Replicas of the primary, from the sentinels that name the same primary,
  // sorted by address, the primary itself left out.
  std::vector<ReplicaView> replicas;
  int sentinels_known = 0;      // the larger of the reports given and num-other-sentinels + 1
  int sentinels_reachable = 0;  // reports with reachable
  int quorum = 0;               // the largest quorum reported; 0 when none
  int needed = 0;               // max(quorum, sentinels_known / 2 + 1)
  bool quorum_lost = false;     // sentinels_reachable < needed
  bool quorum_at_risk = false;  // sentinels_reachable <= needed
  std::optional<FailoverEvent> failover;  // the change this round detected, if any
};

class GroupState {
 public:
  explicit GroupState(std::string group) : group_(std::move(group)) {}

  // Reconciles one round: `reports` holds one entry per configured sentinel.
  GroupView Round(const std::vector<SentinelReport>& reports, MonoTime now);

  // A +switch-master message: the failover, unless the message is for
  // another group or the primary is already `message.to`.
  std::optional<FailoverEvent> OnSwitchMaster(const SwitchMaster& message, MonoTime now);

  const std::string& group() const { return group_; }
  const std::optional<NodeAddress>& primary() const { return primary_; }

 private:
  std::optional<FailoverEvent> MoveTo(const NodeAddress& to, MonoTime now);
  std::optional<NodeAddress> Decide(const std::vector<SentinelReport>& reports, bool* disagree);

  std::string group_;
  std::optional<NodeAddress> primary_;
  std::optional<NodeAddress> previous_;  // the primary before the last failover
};

}  // namespace memwatch::discovery
