// A range of Redis Cluster hash slots, both ends included.
#pragma once

#include <string>

namespace memwatch::discovery {

inline constexpr int kMaxSlot = 16383;  // slots are 0..16383

struct SlotRange {
  int first = 0;  // 0 <= first <= last <= kMaxSlot
  int last = 0;
  bool operator==(const SlotRange&) const = default;
  bool operator<(const SlotRange& o) const {
    return first != o.first ? first < o.first : last < o.last;
  }
};

// "first-last", or "first" for a single slot: the form CLUSTER NODES prints.
inline std::string ToString(const SlotRange& r) {
  return r.first == r.last ? std::to_string(r.first)
                           : std::to_string(r.first) + "-" + std::to_string(r.last);
}

}  // namespace memwatch::discovery
