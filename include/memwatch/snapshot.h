// A typed view of one INFO reply. Fields absent from the reply (older Redis,
// managed services, sections not requested) are std::nullopt; nothing here is
// guessed. Built by info::ParseInfo(), consumed by checks and metrics.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace memwatch {

// One `dbN:keys=..,expires=..,avg_ttl=..` line of INFO keyspace.
struct KeyspaceDb {
  int64_t keys = 0;
  int64_t expires = 0;  // keys that carry a TTL
  int64_t avg_ttl_ms = 0;
  std::optional<int64_t> subexpiry;  // Redis >= 7.4: hashes with field TTLs
  bool operator==(const KeyspaceDb&) const = default;
};

// One `slaveN:ip=..,port=..,state=..,offset=..,lag=..` line of INFO
// replication: a replica as its primary sees it.
struct ReplicaLink {
  std::string ip;
  int64_t port = 0;
  std::optional<std::string> state;  // online, wait_bgsave, send_bulk, ...
  std::optional<int64_t> offset;     // replication offset it acknowledged
  std::optional<int64_t> lag;        // seconds since its last acknowledgement
  bool operator==(const ReplicaLink&) const = default;
};

struct Snapshot {
  // server
  std::optional<std::string> redis_version;
  std::optional<std::string> server_name;  // "valkey" on Valkey; absent on Redis
  std::optional<std::string> valkey_version;
  std::optional<std::string> redis_mode;
  // The host's `uname` ("Linux 6.1.0-18-amd64 x86_64"), or the service's
  // name where a managed one replaces it ("Amazon ElastiCache").
  std::optional<std::string> os;
  std::optional<int64_t> uptime_in_seconds;
  std::optional<std::string> run_id;  // new at every start of the process
  std::optional<int64_t> process_id;  // in Redis's own PID namespace
  std::optional<int64_t> tcp_port;    // as Redis listens (inside a container); 0: none
  std::optional<std::string> executable;
  std::optional<std::string> config_file;

  // clients
  std::optional<int64_t> connected_clients;
  std::optional<int64_t> blocked_clients;

  // memory
  std::optional<int64_t> used_memory;
  std::optional<int64_t> used_memory_rss;
  std::optional<int64_t> used_memory_peak;
  std::optional<int64_t> total_system_memory;
  std::optional<int64_t> maxmemory;
  std::optional<std::string> maxmemory_policy;
  std::optional<double> mem_fragmentation_ratio;
  std::optional<int64_t> mem_fragmentation_bytes;
  std::optional<double> allocator_frag_ratio;
  std::optional<int64_t> allocator_frag_bytes;
  // Memory that replication holds (redis/redis src/object.c,
  // getMemoryOverheadData). Redis >= 7 keeps one buffer shared by the backlog
  // and every replica, mem_total_replication_buffers; mem_clients_slaves is
  // its part beyond repl-backlog-size. Before 7 each replica had its own
  // output buffer (their sum: mem_clients_slaves) beside the backlog.
  std::optional<int64_t> mem_clients_slaves;
  std::optional<int64_t> mem_replication_backlog;
  std::optional<int64_t> mem_total_replication_buffers;  // Redis >= 7.0
  // Part of used_memory that maxmemory does not count (replica buffers
  // beyond the backlog, the AOF buffer): evict.c, freeMemoryGetNotCountedMemory.
  std::optional<int64_t> mem_not_counted_for_evict;

  // persistence
  std::optional<bool> loading;
  std::optional<int64_t> rdb_changes_since_last_save;
  std::optional<bool> rdb_bgsave_in_progress;
  std::optional<bool> rdb_last_bgsave_ok;  // rdb_last_bgsave_status:ok|err
  std::optional<int64_t> rdb_last_cow_size;
  std::optional<int64_t> rdb_last_save_time;
  std::optional<bool> aof_enabled;
  std::optional<bool> aof_rewrite_in_progress;
  std::optional<bool> aof_last_bgrewrite_ok;  // aof_last_bgrewrite_status
  std::optional<bool> aof_last_write_ok;      // aof_last_write_status
  std::optional<int64_t> aof_last_cow_size;

  // stats
  std::optional<int64_t> total_connections_received;
  std::optional<int64_t> total_commands_processed;
  std::optional<int64_t> rejected_connections;
  std::optional<int64_t> expired_keys;
  std::optional<int64_t> evicted_keys;
  std::optional<int64_t> keyspace_hits;
  std::optional<int64_t> keyspace_misses;
  std::optional<int64_t> total_error_replies;  // Redis >= 6.2

  // replication
  std::optional<std::string> role;  // master | slave
  // On a replica: where its primary listens, as the replica was told.
  std::optional<std::string> master_host;
  std::optional<int64_t> master_port;
  std::optional<int64_t> connected_slaves;
  std::optional<bool> master_link_up;  // on a replica: master_link_status up|down
  std::optional<int64_t> master_repl_offset;
  // On a primary: "slave0" -> its replica. Empty without replicas.
  std::map<std::string, ReplicaLink> replicas;

  // errorstats: `errorstat_OOM:count=3` -> errorstats["OOM"] = 3. Empty when
  // the section is absent (Redis 6.0) or no error happened yet; see
  // has_errorstats_section to tell the two apart.
  std::map<std::string, int64_t> errorstats;
  bool has_errorstats_section = false;

  // commandstats (only when requested): sums over all commands.
  std::optional<int64_t> commandstats_rejected_calls;
  std::optional<int64_t> commandstats_failed_calls;
  std::optional<int64_t> cmdstat_info_calls;
  std::optional<int64_t> cmdstat_info_usec;

  // keyspace: "db0" -> counts. Empty when there are no keys.
  std::map<std::string, KeyspaceDb> keyspace;
  bool has_keyspace_section = false;

  // Sections seen ("memory", "stats", ...), lower case.
  std::vector<std::string> sections;

  // What could not be parsed, one short note per problem ("line 12: missing ':'").
  // A snapshot with notes is still usable: the fields that parsed are set.
  std::vector<std::string> parse_notes;

  // Sums over keyspace; 0 when empty. Saturate at INT64_MAX; a negative
  // count (never in a parsed reply) adds 0. Defined in src/types.
  int64_t TotalKeys() const;
  int64_t TotalExpires() const;
};

}  // namespace memwatch
