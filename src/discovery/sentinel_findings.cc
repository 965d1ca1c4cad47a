#include "discovery/sentinel_findings.h"

#include <algorithm>
#include <ctime>

namespace memwatch::discovery {

std::string ClockTimeUtc(WallTime wall) {
  const std::time_t t = std::chrono::system_clock::to_time_t(wall);
  std::tm tm{};
  char buf[16];
  if (gmtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%H:%M:%S", &tm) == 0) {
    return "an unknown time";
  }
  return std::string(buf) + " UTC";
}

int HealthySentinels(int answered, const std::vector<std::vector<SentinelInstance>>& seen) {
  int healthy = answered;
  for (const std::vector<SentinelInstance>& others : seen) {
    const auto up = std::count_if(others.begin(), others.end(),
                                  [](const SentinelInstance& s) { return !s.Down(); });
    healthy = std::max(healthy, 1 + static_cast<int>(up));
  }
  return healthy;
}

void SentinelFindings::OnFailover(const FailoverEvent& event, WallTime wall) {
  last_failover_ = event;
  last_failover_wall_ = wall;
  std::erase_if(failovers_, [&](MonoTime at) { return event.at - at >= options_.failover_hold; });
  failovers_.push_back(event.at);
}

std::vector<Finding> SentinelFindings::Update(const GroupView& view, int healthy_sentinels,
                                              MonoTime now) {
  std::vector<Finding> out;
  if (std::optional<Finding> f = Failover(now)) out.push_back(std::move(*f));
  if (std::optional<Finding> f = Quorum(view, healthy_sentinels)) out.push_back(std::move(*f));
  if (std::optional<Finding> f = Disagree(view, now)) out.push_back(std::move(*f));
  return out;
}

std::optional<Finding> SentinelFindings::Failover(MonoTime now) const {
  if (!last_failover_ || now - last_failover_->at >= options_.failover_hold) return std::nullopt;
  const std::string from = ToString(last_failover_->from);
  const std::string to = ToString(last_failover_->to);
  Finding f;
  f.check = std::string(kFailoverCheck);
  f.severity = Severity::kWarning;
  f.summary =
      group_ + ": " + from + " failed, " + to + " promoted at " + ClockTimeUtc(last_failover_wall_);
  f.evidence = {{"old primary", from}, {"new primary", to}};
  f.fix = "Find out why " + from +
          " failed over (its log, the sentinels' logs: +sdown, +odown, +switch-master); "
          "clients that cache the primary must follow the sentinels.";
  if (failovers_.size() < 2) return f;
  const std::string count = std::to_string(failovers_.size());
  const std::string window =
      std::to_string(
          std::chrono::duration_cast<std::chrono::minutes>(options_.failover_hold).count()) +
      " minutes";
  f.severity = Severity::kCritical;
  f.summary = group_ + ": " + count + " failovers within " + window +
              "; the last: " + f.summary.substr(group_.size() + 2);
  f.evidence.push_back({"failovers within " + window, count});
  f.fix +=
      "\nFailovers in a row mean the sentinels keep losing the primary: compare "
      "down-after-milliseconds with the primary's pauses (fork for BGSAVE or AOF rewrite, slow "
      "commands in SLOWLOG, the host's swap) and check the network between the sentinels and the "
      "nodes. Every switch loses the writes not yet replicated.";
  return f;
}

std::optional<Finding> SentinelFindings::Quorum(const GroupView& view, int healthy) const {
  if (view.needed == 0 || healthy > view.needed) return std::nullopt;
  Finding f;
  f.check = std::string(kSentinelQuorumCheck);
  const std::string counts = std::to_string(healthy) + " of " +
                             std::to_string(view.sentinels_known) + " sentinels healthy, " +
                             std::to_string(view.needed) + " needed";
  if (healthy < view.needed) {
    f.severity = Severity::kCritical;
    f.summary = group_ + ": " + counts + ": no automatic failover is possible";
  } else {
    f.severity = Severity::kWarning;
    f.summary = group_ + ": " + counts + ": losing one more stops automatic failover";
  }
  f.evidence = {{"sentinels healthy", std::to_string(healthy)},
                {"sentinels known", std::to_string(view.sentinels_known)},
                {"quorum", std::to_string(view.quorum)},
                {"needed for a failover", std::to_string(view.needed)}};
  f.fix =
      "Restart the missing sentinels, or check the network between them "
      "(SENTINEL SENTINELS <master> on one that answers lists the others).";
  return f;
}

std::optional<Finding> SentinelFindings::Disagree(const GroupView& view, MonoTime now) {
  if (!view.sentinels_disagree) {
    disagree_since_.reset();
    return std::nullopt;
  }
  if (!disagree_since_) disagree_since_ = now;
  if (now - *disagree_since_ < options_.disagree_grace) return std::nullopt;
  Finding f;
  f.check = std::string(kSentinelsDisagreeCheck);
  f.severity = Severity::kWarning;
  f.summary = group_ + ": the sentinels name different primaries";
  if (view.primary) f.evidence = {{"primary by majority", ToString(*view.primary)}};
  f.fix =
      "Compare SENTINEL GET-MASTER-ADDR-BY-NAME on each sentinel; a sentinel cut off "
      "from the others, or configured with another group under the same name, "
      "keeps an old primary.";
  return f;
}

}  // namespace memwatch::discovery
