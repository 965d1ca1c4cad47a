// The last hour of one target's used memory, for the status page's
// sparkline: one point per kHistoryStepSeconds (the highest value polled
// in that step, so a short peak is never averaged away), at most
// kHistoryPoints of them. Fixed size per target whatever the poll interval:
// 1,000 targets keep about 2 MiB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace memwatch::metrics {

inline constexpr double kHistoryStepSeconds = 30;
inline constexpr size_t kHistoryPoints = 120;  // one hour

struct HistoryPoint {
  double wall = 0;   // Unix time of the step's start
  int64_t used = 0;  // the highest used_memory polled in the step
  bool operator==(const HistoryPoint&) const = default;
};

class MemoryHistory {
 public:
  // A successful poll at Unix time `wall`. A clock that steps back starts
  // the history over (a point never lies about when it was).
  void Record(double wall, int64_t used);
  // Oldest first; only points within the hour before `now_wall`.
  std::vector<HistoryPoint> Points(double now_wall) const;

 private:
  std::deque<HistoryPoint> points_;
};

}  // namespace memwatch::metrics
