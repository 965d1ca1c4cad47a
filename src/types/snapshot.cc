#include "memwatch/snapshot.h"

#include <algorithm>

#include "memwatch/saturating.h"

namespace memwatch {

// Counts are never negative in a parsed reply (the parser drops a db line
// with a negative count); a hand-built Snapshot's negative count adds 0.
int64_t Snapshot::TotalKeys() const {
  int64_t total = 0;
  for (const auto& [name, db] : keyspace)
    total = SaturatingAdd(total, std::max<int64_t>(db.keys, 0));
  return total;
}

int64_t Snapshot::TotalExpires() const {
  int64_t total = 0;
  for (const auto& [name, db] : keyspace) {
    total = SaturatingAdd(total, std::max<int64_t>(db.expires, 0));
  }
  return total;
}

}  // namespace memwatch
