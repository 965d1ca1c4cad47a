#include "discovery/group_state.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace memwatch::discovery {
namespace {

std::vector<ReplicaView> ReplicasOf(const std::vector<SentinelReport>& reports,
                                    const std::optional<NodeAddress>& primary) {
  std::map<NodeAddress, bool> down;
  for (const SentinelReport& r : reports) {
    if (!r.reachable || !primary || r.primary != primary) {
      continue;
    }
    for (const SentinelInstance& replica : r.replicas) {
      if (replica.address != *primary) {
        down[replica.address] |= replica.Down();
      }
    }
  }
  std::vector<ReplicaView> out;
  out.reserve(down.size());
  for (const auto& [address, is_down] : down) {
    out.push_back({address, is_down});
  }
  return out;
}

void CountSentinels(const std::vector<SentinelReport>& reports, GroupView* view) {
  view->sentinels_known = static_cast<int>(reports.size());
  for (const SentinelReport& r : reports) {
    if (!r.reachable) {
      continue;
    }
    ++view->sentinels_reachable;
    if (r.master) {
      view->quorum = std::max(view->quorum, r.master->quorum);
      view->sentinels_known = std::max(view->sentinels_known, r.master->num_other_sentinels + 1);
    }
  }
  view->needed = std::max(view->quorum, view->sentinels_known / 2 + 1);
  view->quorum_lost = view->sentinels_reachable < view->needed;
  view->quorum_at_risk = view->sentinels_reachable <= view->needed;
}

}  // namespace

std::optional<NodeAddress> GroupState::Decide(const std::vector<SentinelReport>& reports,
                                              bool* disagree) {
  std::map<NodeAddress, size_t> votes;
  size_t voters = 0;
  for (const SentinelReport& r : reports) {
    if (r.reachable && r.primary) {
      ++votes[*r.primary];
      ++voters;
    }
  }
  *disagree = votes.size() > 1;
  for (const auto& [address, count] : votes) {
    if (count * 2 > voters) {
      const bool stale_flip_back = address == previous_ && primary_ && votes.count(*primary_) > 0;
      return stale_flip_back ? std::nullopt : std::optional<NodeAddress>{address};
    }
  }
  return std::nullopt;
}

GroupView GroupState::Round(const std::vector<SentinelReport>& reports, MonoTime now) {
  GroupView view;
  const std::optional<NodeAddress> winner = Decide(reports, &view.sentinels_disagree);
  if (winner) {
    view.failover = MoveTo(*winner, now);
  }
  view.primary = primary_;
  view.replicas = ReplicasOf(reports, primary_);
  CountSentinels(reports, &view);
  return view;
}

std::optional<FailoverEvent> GroupState::OnSwitchMaster(const SwitchMaster& message, MonoTime now) {
  if (message.group != group_) {
    return std::nullopt;
  }
  return MoveTo(message.to, now);
}

std::optional<FailoverEvent> GroupState::MoveTo(const NodeAddress& to, MonoTime now) {
  if (primary_ == to) {
    return std::nullopt;
  }
  std::optional<NodeAddress> from = primary_;
  previous_ = primary_;
  primary_ = to;
  if (!from) {
    return std::nullopt;  // the first primary learnt
  }
  return FailoverEvent{*from, to, now};
}

}  // namespace memwatch::discovery
