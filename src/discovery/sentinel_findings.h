// The findings about a Sentinel group as a whole, from the views GroupState
// gives round after round (group_state.h). Pure: time comes in arguments.
//
//   failover          warning   the primary moved ("orders: 10.0.0.1:6379
//                                failed, 10.0.0.2:6379 promoted at 14:02:11
//                                UTC"); active for `failover_hold` after the
//                                switch, so that the alert state machine sends
//                                one notification (and one resolved) per
//                                failover, not one per round.
//                     critical  a failover within `failover_hold` of the one
//                                before: the group is flapping (and writes
//                                are lost at each switch); one more
//                                notification, naming how many.
//   sentinel_quorum   critical  fewer sentinels healthy than a failover needs
//                     warning   exactly as many: losing one more loses it
//   sentinels_disagree warning  the sentinels have named different primaries
//                                for longer than `disagree_grace` (they
//                                converge within seconds of a failover)
//
// "Healthy" sentinels: the larger of the configured sentinels that answered
// and, for each that answered, itself plus the sentinels it reports up
// (SENTINEL SENTINELS, not s_down): a daemon configured with one address
// of a group of three does not see two sentinels missing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "discovery/group_state.h"
#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::discovery {

inline constexpr std::string_view kFailoverCheck = "failover";
inline constexpr std::string_view kSentinelQuorumCheck = "sentinel_quorum";
inline constexpr std::string_view kSentinelsDisagreeCheck = "sentinels_disagree";

struct SentinelFindingOptions {
  Duration failover_hold = std::chrono::minutes(10);
  Duration disagree_grace = std::chrono::seconds(30);
};

class SentinelFindings {
 public:
  SentinelFindings(std::string group, SentinelFindingOptions options)
      : group_(std::move(group)), options_(options) {}

  // Remembers a failover (from a round or a +switch-master) detected at
  // `event.at`, shown to people as `wall`.
  void OnFailover(const FailoverEvent& event, WallTime wall);

  // The findings active now. `healthy_sentinels` as described above.
  std::vector<Finding> Update(const GroupView& view, int healthy_sentinels, MonoTime now);

 private:
  std::optional<Finding> Failover(MonoTime now) const;
  std::optional<Finding> Quorum(const GroupView& view, int healthy) const;
  std::optional<Finding> Disagree(const GroupView& view, MonoTime now);

  std::string group_;
  SentinelFindingOptions options_;
  std::optional<FailoverEvent> last_failover_;
  WallTime last_failover_wall_;
  // The failovers within failover_hold before the last one, that one
  // included, oldest first.
  std::vector<MonoTime> failovers_;
  std::optional<MonoTime> disagree_since_;
};

// "14:02:11 UTC".
std::string ClockTimeUtc(WallTime wall);

// The healthy sentinels: the larger of `answered` (configured sentinels that
// answered) and, for each SENTINEL SENTINELS reply in `seen` (one per
// sentinel that answered it), 1 + the sentinels it lists not down.
int HealthySentinels(int answered, const std::vector<std::vector<SentinelInstance>>& seen);

}  // namespace memwatch::discovery
