// Hysteresis helpers shared by the checks, so a value hovering at a
// threshold does not make a finding flap: a finding rises as soon as the
// value crosses the entry threshold but falls only once the value is past a
// looser hold threshold, or once a quiet window passed without new events.
#pragma once

#include <optional>

#include "memwatch/clock.h"
#include "memwatch/finding.h"

namespace memwatch::checks {

// No finding (nullopt) ranks below info < warning < critical.
using Level = std::optional<Severity>;

int Rank(Level level);  // -1 for no finding, else the Severity's value
Level MaxLevel(Level a, Level b);
Level MinLevel(Level a, Level b);

// The level after an observation: rises at once to `enter` (what the value
// deserves under the entry thresholds) but falls only as far as `hold`
// (what it deserves under the looser clear thresholds) allows:
// max(enter, min(current, hold)).
Level NextLevel(Level current, Level enter, Level hold);

// For values where higher is worse: warning at v >= warning, critical at
// v >= critical. Pass +infinity to leave a level out.
Level LevelAtLeast(double v, double warning, double critical);
// For values where lower is worse (time to full): warning at v <= warning,
// critical at v <= critical.
Level LevelAtMost(double v, double warning, double critical);

// Warning, or critical once `share` (of a limit) reaches `critical_share`;
// back to warning only below critical_share - kEscalationClearMargin.
// Unknown share: warning.
inline constexpr double kEscalationClearMargin = 0.05;
Level EscalateAtShare(Level current, std::optional<double> share, double critical_share);

// Remembers when something bad last happened; Active() stays true for
// `quiet_seconds` after it.
class QuietWindow {
 public:
  void Mark(MonoTime t) { last_ = t; }
  void Reset() { last_.reset(); }
  bool Active(MonoTime now, double quiet_seconds) const;
  const std::optional<MonoTime>& last() const { return last_; }

 private:
  std::optional<MonoTime> last_;
};

// Seconds from `from` to `to` (negative when `to` is earlier).
double SecondsBetween(MonoTime from, MonoTime to);

}  // namespace memwatch::checks
