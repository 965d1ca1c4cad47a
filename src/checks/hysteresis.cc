#include "checks/hysteresis.h"

#include <chrono>

namespace memwatch::checks {

int Rank(Level level) { return level.has_value() ? static_cast<int>(*level) : -1; }

Level MaxLevel(Level a, Level b) { return Rank(a) >= Rank(b) ? a : b; }
Level MinLevel(Level a, Level b) { return Rank(a) <= Rank(b) ? a : b; }

Level NextLevel(Level current, Level enter, Level hold) {
  return MaxLevel(enter, MinLevel(current, hold));
}

Level LevelAtLeast(double v, double warning, double critical) {
  if (v >= critical) return Severity::kCritical;
  if (v >= warning) return Severity::kWarning;
  return std::nullopt;
}

Level LevelAtMost(double v, double warning, double critical) {
  if (v <= critical) return Severity::kCritical;
  if (v <= warning) return Severity::kWarning;
  return std::nullopt;
}

Level EscalateAtShare(Level current, std::optional<double> share, double critical_share) {
  if (!share.has_value()) return Severity::kWarning;
  const Level enter = *share >= critical_share ? Severity::kCritical : Severity::kWarning;
  const Level hold =
      *share >= critical_share - kEscalationClearMargin ? Severity::kCritical : Severity::kWarning;
  return NextLevel(current, enter, hold);
}

bool QuietWindow::Active(MonoTime now, double quiet_seconds) const {
  return last_.has_value() && SecondsBetween(*last_, now) <= quiet_seconds;
}

double SecondsBetween(MonoTime from, MonoTime to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace memwatch::checks
