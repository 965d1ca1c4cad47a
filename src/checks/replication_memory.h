// What replication holds on a primary, as INFO reports it, and which of its
// replicas hold it. Pure; absent fields give nullopt, never a guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/snapshot.h"

namespace memwatch::checks {

struct ReplicationMemory {
  int64_t total = 0;     // mem_total_replication_buffers, else replicas + backlog
  int64_t replicas = 0;  // mem_clients_slaves: the replicas' part
  int64_t backlog = 0;   // mem_replication_backlog
  // True when the replicas' part is at least the backlog's: a replica falls
  // behind, rather than repl-backlog-size being large.
  bool MostlyReplicas() const { return replicas >= backlog; }
};

// nullopt when INFO shows none of the three fields (no memory section, or a
// server that does not report them).
std::optional<ReplicationMemory> MeasureReplication(const Snapshot& s);

struct ReplicaBehind {
  const ReplicaLink* link = nullptr;  // into the Snapshot's replicas
  // Bytes it has not acknowledged: master_repl_offset - its offset; nullopt
  // when either is unknown.
  std::optional<int64_t> bytes;
};

// The snapshot's replicas, the furthest behind first: by bytes not
// acknowledged, then by lag, then by name. Points into `s`.
std::vector<ReplicaBehind> RankReplicas(const Snapshot& s);

// "127.0.0.1:6380 (lag 42 s, 18 MiB behind, online)", "[::1]:6381 (...)":
// what is known of it.
std::string DescribeReplica(const ReplicaBehind& r);

}  // namespace memwatch::checks
