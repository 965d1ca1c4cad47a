// Helpers shared by the INFO parser tests: fixture loading and a field-by-field
// Snapshot comparison that names the field that differs.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "memwatch/snapshot.h"

namespace memwatch {

// Lets gtest print keyspace maps readably when they differ.
inline void PrintTo(const KeyspaceDb& db, std::ostream* os) {
  *os << "{keys=" << db.keys << ",expires=" << db.expires << ",avg_ttl_ms=" << db.avg_ttl_ms;
  if (db.subexpiry) *os << ",subexpiry=" << *db.subexpiry;
  *os << "}";
}

inline void PrintTo(const ReplicaLink& r, std::ostream* os) {
  *os << "{ip=" << r.ip << ",port=" << r.port << ",state=" << r.state.value_or("-")
      << ",offset=" << r.offset.value_or(-1) << ",lag=" << r.lag.value_or(-1) << "}";
}

namespace info::testing {

// Returns the bytes of tests/fixtures/info/<name>, unchanged (\r\n kept).
inline std::string ReadInfoFixture(const std::string& name) {
  const std::string path = std::string(MEMWATCH_FIXTURES_DIR) + "/info/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Replaces every "\r\n" with "\n".
inline std::string ToLf(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

// Expects every field of `actual` to equal the one in `expected`; a field added
// to Snapshot must be added here too, or golden tests stop covering it.
inline void ExpectSameSnapshot(const Snapshot& actual, const Snapshot& expected) {
#define MEMWATCH_EXPECT_FIELD(field) EXPECT_EQ(actual.field, expected.field) << #field
  MEMWATCH_EXPECT_FIELD(redis_version);
  MEMWATCH_EXPECT_FIELD(server_name);
  MEMWATCH_EXPECT_FIELD(valkey_version);
  MEMWATCH_EXPECT_FIELD(redis_mode);
  MEMWATCH_EXPECT_FIELD(os);
  MEMWATCH_EXPECT_FIELD(uptime_in_seconds);
  MEMWATCH_EXPECT_FIELD(run_id);
  MEMWATCH_EXPECT_FIELD(process_id);
  MEMWATCH_EXPECT_FIELD(tcp_port);
  MEMWATCH_EXPECT_FIELD(executable);
  MEMWATCH_EXPECT_FIELD(config_file);
  MEMWATCH_EXPECT_FIELD(connected_clients);
  MEMWATCH_EXPECT_FIELD(blocked_clients);
  MEMWATCH_EXPECT_FIELD(used_memory);
  MEMWATCH_EXPECT_FIELD(used_memory_rss);
  MEMWATCH_EXPECT_FIELD(used_memory_peak);
  MEMWATCH_EXPECT_FIELD(total_system_memory);
  MEMWATCH_EXPECT_FIELD(maxmemory);
  MEMWATCH_EXPECT_FIELD(maxmemory_policy);
  MEMWATCH_EXPECT_FIELD(mem_fragmentation_ratio);
  MEMWATCH_EXPECT_FIELD(mem_fragmentation_bytes);
  MEMWATCH_EXPECT_FIELD(allocator_frag_ratio);
  MEMWATCH_EXPECT_FIELD(allocator_frag_bytes);
  MEMWATCH_EXPECT_FIELD(mem_clients_slaves);
  MEMWATCH_EXPECT_FIELD(mem_replication_backlog);
  MEMWATCH_EXPECT_FIELD(mem_total_replication_buffers);
  MEMWATCH_EXPECT_FIELD(mem_not_counted_for_evict);
  MEMWATCH_EXPECT_FIELD(loading);
  MEMWATCH_EXPECT_FIELD(rdb_changes_since_last_save);
  MEMWATCH_EXPECT_FIELD(rdb_bgsave_in_progress);
  MEMWATCH_EXPECT_FIELD(rdb_last_bgsave_ok);
  MEMWATCH_EXPECT_FIELD(rdb_last_cow_size);
  MEMWATCH_EXPECT_FIELD(rdb_last_save_time);
  MEMWATCH_EXPECT_FIELD(aof_enabled);
  MEMWATCH_EXPECT_FIELD(aof_rewrite_in_progress);
  MEMWATCH_EXPECT_FIELD(aof_last_bgrewrite_ok);
  MEMWATCH_EXPECT_FIELD(aof_last_write_ok);
  MEMWATCH_EXPECT_FIELD(aof_last_cow_size);
  MEMWATCH_EXPECT_FIELD(total_connections_received);
  MEMWATCH_EXPECT_FIELD(total_commands_processed);
  MEMWATCH_EXPECT_FIELD(rejected_connections);
  MEMWATCH_EXPECT_FIELD(expired_keys);
  MEMWATCH_EXPECT_FIELD(evicted_keys);
  MEMWATCH_EXPECT_FIELD(keyspace_hits);
  MEMWATCH_EXPECT_FIELD(keyspace_misses);
  MEMWATCH_EXPECT_FIELD(total_error_replies);
  MEMWATCH_EXPECT_FIELD(role);
  MEMWATCH_EXPECT_FIELD(master_host);
  MEMWATCH_EXPECT_FIELD(master_port);
  MEMWATCH_EXPECT_FIELD(connected_slaves);
  MEMWATCH_EXPECT_FIELD(master_link_up);
  MEMWATCH_EXPECT_FIELD(master_repl_offset);
  MEMWATCH_EXPECT_FIELD(replicas);
  MEMWATCH_EXPECT_FIELD(errorstats);
  MEMWATCH_EXPECT_FIELD(has_errorstats_section);
  MEMWATCH_EXPECT_FIELD(commandstats_rejected_calls);
  MEMWATCH_EXPECT_FIELD(commandstats_failed_calls);
  MEMWATCH_EXPECT_FIELD(cmdstat_info_calls);
  MEMWATCH_EXPECT_FIELD(cmdstat_info_usec);
  MEMWATCH_EXPECT_FIELD(keyspace);
  MEMWATCH_EXPECT_FIELD(has_keyspace_section);
  MEMWATCH_EXPECT_FIELD(sections);
  MEMWATCH_EXPECT_FIELD(parse_notes);
#undef MEMWATCH_EXPECT_FIELD
}

}  // namespace info::testing
}  // namespace memwatch
