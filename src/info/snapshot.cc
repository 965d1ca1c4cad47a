#include <cstdint>
#include <limits>

#include "memwatch/snapshot.h"

namespace memwatch {
namespace {

// Saturates instead of overflowing: a sum pinned at the maximum still reads as
// "very many keys" to a check, while a wrapped one would read as negative.
int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

}  // namespace

int64_t Snapshot::TotalKeys() const {
  int64_t total = 0;
  for (const auto& [name, db] : keyspace) total = SaturatingAdd(total, db.keys);
  return total;
}

int64_t Snapshot::TotalExpires() const {
  int64_t total = 0;
  for (const auto& [name, db] : keyspace) total = SaturatingAdd(total, db.expires);
  return total;
}

}  // namespace memwatch
