// Golden tests: each capture in tests/fixtures/info parses to exactly the
// Snapshot written out here, field by field (absent fields included).
#include <gtest/gtest.h>

#include <string>

#include "info/info_parser.h"
#include "unit/info/info_test_util.h"

namespace memwatch::info {
namespace info_fixtures_test {

using testing::ExpectSameSnapshot;
using testing::ReadInfoFixture;
using testing::ToLf;

// Real capture from Debian 12 redis-server 7.0.15 (see the fixtures README).
TEST(InfoFixtures, Redis70CaptureMatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.0.15",
      .redis_mode = "standalone",
      .os = "Linux 6.18.44-fc-v782 x86_64",
      .uptime_in_seconds = 5,
      .run_id = "624a48bfda4db9b8ecf70905ceca38ef1aa905cb",
      .process_id = 10560,
      .tcp_port = 0,
      .executable = "/usr/bin/redis-server",
      .config_file = "",
      .connected_clients = 1,
      .blocked_clients = 0,
      .used_memory = 1068440,
      .used_memory_rss = 12144640,
      .used_memory_peak = 1068440,
      .total_system_memory = 25276026880,
      .maxmemory = 0,
      .maxmemory_policy = "noeviction",
      .mem_fragmentation_ratio = 11.82,
      .mem_fragmentation_bytes = 11116928,
      .allocator_frag_ratio = 1.15,
      .allocator_frag_bytes = 247328,
      .mem_clients_slaves = 0,
      .mem_replication_backlog = 0,
      .mem_total_replication_buffers = 0,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 32,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 0,
      .rdb_last_save_time = 1795605638,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 40,
      .total_commands_processed = 39,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 1,
      .keyspace_misses = 1,
      .total_error_replies = 3,
      .role = "master",
      .connected_slaves = 0,
      .master_repl_offset = 0,
      .errorstats = {{"ERR", 1}, {"OOM", 2}},
      .has_errorstats_section = true,
      .keyspace = {{"db0", {28, 8, 3597349}}, {"db1", {2, 1, 597449}}, {"db3", {1, 0, 0}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication",
                   "errorstats", "keyspace"},
  };
  const Snapshot actual = ParseInfo(ReadInfoFixture("redis-7.0.txt"));
  ExpectSameSnapshot(actual, expected);
  EXPECT_EQ(actual.TotalKeys(), 31);
  EXPECT_EQ(actual.TotalExpires(), 9);
}

// `INFO everything` adds Commandstats (with subcommands such as config|set).
TEST(InfoFixtures, Redis70EverythingMatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.0.15",
      .redis_mode = "standalone",
      .os = "Linux 6.18.44-fc-v782 x86_64",
      .uptime_in_seconds = 5,
      .run_id = "624a48bfda4db9b8ecf70905ceca38ef1aa905cb",
      .process_id = 10560,
      .tcp_port = 0,
      .executable = "/usr/bin/redis-server",
      .config_file = "",
      .connected_clients = 1,
      .blocked_clients = 0,
      .used_memory = 1092448,
      .used_memory_rss = 12144640,
      .used_memory_peak = 1092448,
      .total_system_memory = 25276026880,
      .maxmemory = 0,
      .maxmemory_policy = "noeviction",
      .mem_fragmentation_ratio = 11.54,
      .mem_fragmentation_bytes = 11092240,
      .allocator_frag_ratio = 1.15,
      .allocator_frag_bytes = 261664,
      .mem_clients_slaves = 0,
      .mem_replication_backlog = 0,
      .mem_total_replication_buffers = 0,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 32,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 0,
      .rdb_last_save_time = 1795605638,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 41,
      .total_commands_processed = 40,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 1,
      .keyspace_misses = 1,
      .total_error_replies = 3,
      .role = "master",
      .connected_slaves = 0,
      .master_repl_offset = 0,
      .errorstats = {{"ERR", 1}, {"OOM", 2}},
      .has_errorstats_section = true,
      .commandstats_rejected_calls = 2,  // the two SETs refused with -OOM
      .commandstats_failed_calls = 0,
      .cmdstat_info_calls = 1,
      .cmdstat_info_usec = 208,
      .keyspace = {{"db0", {28, 8, 3597249}}, {"db1", {2, 1, 597349}}, {"db3", {1, 0, 0}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                   "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"},
  };
  ExpectSameSnapshot(ParseInfo(ReadInfoFixture("redis-7.0-everything.txt")), expected);
}

// Redis 6.0: no Errorstats, no total_error_replies, cmdstats without
// rejected_calls/failed_calls. All of these must stay absent, not 0.
TEST(InfoFixtures, Redis60MatchesGolden) {
  const Snapshot expected = {
      .redis_version = "6.0.20",
      .redis_mode = "standalone",
      .os = "Linux 5.10.0-26-amd64 x86_64",
      .uptime_in_seconds = 1728123,
      .run_id = "9d1c3e7b6a0f4c2e8b5d7a1f3e9c0b4d6a8f2e1c",
      .process_id = 812,
      .tcp_port = 6379,
      .executable = "/usr/local/bin/redis-server",
      .config_file = "/etc/redis/redis.conf",
      .connected_clients = 57,
      .blocked_clients = 2,
      .used_memory = 3016548712,
      .used_memory_rss = 3489660928,
      .used_memory_peak = 3120562176,
      .total_system_memory = 16656146432,
      .maxmemory = 4294967296,
      .maxmemory_policy = "allkeys-lru",
      .mem_fragmentation_ratio = 1.16,
      .mem_fragmentation_bytes = 473112216,
      .allocator_frag_ratio = 1.02,
      .allocator_frag_bytes = 61255536,
      .mem_clients_slaves = 20512,
      .mem_replication_backlog = 1048576,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 18342,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 52428800,
      .rdb_last_save_time = 1700000000,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 120394,
      .total_commands_processed = 9876543210,
      .rejected_connections = 0,
      .expired_keys = 4412093,
      .evicted_keys = 1203,
      .keyspace_hits = 6543210987,
      .keyspace_misses = 123456789,
      .role = "master",
      .connected_slaves = 1,
      .master_repl_offset = 918273645501,
      .replicas = {{"slave0", {"10.0.0.12", 6379, "online", 918273645501, 0}}},
      .cmdstat_info_calls = 172800,
      .cmdstat_info_usec = 5356800,
      .keyspace = {{"db0", {8123456, 6012345, 86213441}}, {"db2", {1200, 0, 0}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                   "modules", "commandstats", "cluster", "keyspace"},
  };
  const Snapshot actual = ParseInfo(ReadInfoFixture("redis-6.0.txt"));
  ExpectSameSnapshot(actual, expected);
  EXPECT_FALSE(actual.has_errorstats_section);
  EXPECT_FALSE(actual.total_error_replies.has_value());
  EXPECT_FALSE(actual.commandstats_rejected_calls.has_value());
}

// Redis 6.2: errorstats and rejected/failed calls appear; persistence in trouble.
TEST(InfoFixtures, Redis62MatchesGolden) {
  const Snapshot expected = {
      .redis_version = "6.2.14",
      .redis_mode = "standalone",
      .os = "Linux 5.15.0-91-generic x86_64",
      .uptime_in_seconds = 86400,
      .run_id = "5e0c2a9f7b3d1e8c4a6f0b2d9e7c5a3f1b8d6e4c",
      .process_id = 1,
      .tcp_port = 6379,
      .executable = "/data/redis-server",
      .config_file = "",
      .connected_clients = 312,
      .blocked_clients = 0,
      .used_memory = 1073659112,
      .used_memory_rss = 1247805440,
      .used_memory_peak = 1073740032,
      .total_system_memory = 8589934592,
      .maxmemory = 1073741824,
      .maxmemory_policy = "volatile-lru",
      .mem_fragmentation_ratio = 1.16,
      .mem_fragmentation_bytes = 174146328,
      .allocator_frag_ratio = 1.03,
      .allocator_frag_bytes = 33483776,
      .mem_clients_slaves = 0,
      .mem_replication_backlog = 0,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 702113,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = false,
      .rdb_last_cow_size = 41943040,
      .rdb_last_save_time = 1699990000,
      .aof_enabled = true,
      .aof_rewrite_in_progress = true,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = false,
      .aof_last_cow_size = 37748736,
      .total_connections_received = 48213,
      .total_commands_processed = 7416040,
      .rejected_connections = 17,
      .expired_keys = 88213,
      .evicted_keys = 3127,
      .keyspace_hits = 5012345,
      .keyspace_misses = 387655,
      .total_error_replies = 58,
      .role = "master",
      .connected_slaves = 0,
      .master_repl_offset = 0,
      .errorstats = {{"ERR", 12}, {"OOM", 41}, {"WRONGTYPE", 5}},
      .has_errorstats_section = true,
      .commandstats_rejected_calls = 41,
      .commandstats_failed_calls = 5,
      .cmdstat_info_calls = 8640,
      .cmdstat_info_usec = 423360,
      .keyspace = {{"db0", {2345678, 1000, 3456789}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication", "cpu",
                   "modules", "commandstats", "errorstats", "cluster", "keyspace"},
  };
  ExpectSameSnapshot(ParseInfo(ReadInfoFixture("redis-6.2.txt")), expected);
}

// Redis 7.4 adds subexpiry= to keyspace lines.
TEST(InfoFixtures, Redis74MatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.4.1",
      .redis_mode = "standalone",
      .os = "Linux 6.8.0-45-generic x86_64",
      .uptime_in_seconds = 604800,
      .run_id = "1a3c5e7f9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
      .process_id = 7,
      .tcp_port = 6379,
      .executable = "/data/redis-server",
      .config_file = "/usr/local/etc/redis/redis.conf",
      .keyspace = {{"db0", {5021, 1200, 1763123, 12}}, {"db3", {3, 0, 0, 0}}},
      .has_keyspace_section = true,
      .sections = {"server", "keyspace"},
  };
  const Snapshot actual = ParseInfo(ReadInfoFixture("redis-7.4.txt"));
  ExpectSameSnapshot(actual, expected);
  EXPECT_FALSE(actual.used_memory.has_value());  // Memory was not requested
}

// Valkey 8: server_name/valkey_version, server_mode, an empty Errorstats.
TEST(InfoFixtures, Valkey8MatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.2.4",
      .server_name = "valkey",
      .valkey_version = "8.0.1",
      .redis_mode = "standalone",
      .os = "Linux 6.1.0-18-amd64 x86_64",
      .uptime_in_seconds = 3600,
      .run_id = "0f3e8d2c6b4a19e7d5c3b1a09f8e7d6c5b4a3928",
      .process_id = 23817,
      .tcp_port = 6379,
      .executable = "/usr/bin/valkey-server",
      .config_file = "/etc/valkey/valkey.conf",
      .connected_clients = 4,
      .blocked_clients = 0,
      .used_memory = 2183584,
      .used_memory_rss = 7340032,
      .used_memory_peak = 2250000,
      .total_system_memory = 8589934592,
      .maxmemory = 0,
      .maxmemory_policy = "noeviction",
      .mem_fragmentation_ratio = 3.36,
      .mem_fragmentation_bytes = 5156448,
      .allocator_frag_ratio = 1.14,
      .allocator_frag_bytes = 332768,
      .mem_clients_slaves = 0,
      .mem_replication_backlog = 0,
      .mem_total_replication_buffers = 0,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 1007,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 0,
      .rdb_last_save_time = 1729996400,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 19,
      .total_commands_processed = 1030,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 12,
      .keyspace_misses = 3,
      .total_error_replies = 0,
      .role = "master",
      .connected_slaves = 0,
      .master_repl_offset = 0,
      .has_errorstats_section = true,  // present, but no error happened yet
      .keyspace = {{"db0", {1000, 250, 1799234}}, {"db5", {7, 7, 59000}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication",
                   "errorstats", "keyspace"},
  };
  ExpectSameSnapshot(ParseInfo(ReadInfoFixture("valkey-8.txt")), expected);
}

class EveryFixture : public ::testing::TestWithParam<const char*> {};

// The same reply with bare \n line ends parses to the same Snapshot.
TEST_P(EveryFixture, LfLineEndsParseLikeCrLf) {
  const std::string crlf = ReadInfoFixture(GetParam());
  ASSERT_NE(crlf.find("\r\n"), std::string::npos) << "fixtures are stored with \\r\\n";
  const std::string lf = ToLf(crlf);
  ASSERT_EQ(lf.find('\r'), std::string::npos);
  const Snapshot from_crlf = ParseInfo(crlf);
  EXPECT_TRUE(from_crlf.parse_notes.empty());
  ExpectSameSnapshot(ParseInfo(lf), from_crlf);
}

// A reply cut at any byte still parses, with bounded notes and no crash; and
// what did parse never contradicts the full reply, except on the cut line.
TEST_P(EveryFixture, EveryPrefixParses) {
  const std::string text = ReadInfoFixture(GetParam());
  const Snapshot full = ParseInfo(text);
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const Snapshot part = ParseInfo(std::string_view(text).substr(0, n));
    ASSERT_LE(part.parse_notes.size(), kMaxParseNotes + 1) << "prefix " << n;
    ASSERT_LE(part.keyspace.size(), full.keyspace.size()) << "prefix " << n;
    ASSERT_LE(part.sections.size(), full.sections.size()) << "prefix " << n;
    const bool cut_mid_line = n > 0 && text[n - 1] != '\n';
    ASSERT_EQ(part.parse_notes.empty(), !cut_mid_line) << "prefix " << n;
  }
}

INSTANTIATE_TEST_SUITE_P(InfoFixtures, EveryFixture,
                         ::testing::Values("redis-6.0.txt", "redis-6.2.txt", "redis-7.0.txt",
                                           "redis-7.0-everything.txt", "redis-7.4.txt",
                                           "valkey-8.txt", "redis-7.0-paused-replica.txt",
                                           "redis-7.0-replica.txt", "sentinel-7.0.txt",
                                           "elasticache-7.0.txt"));

// Hand-made from public ElastiCache captures: the service names itself in
// `os` (what provider detection reads), hides the binary and config file
// behind "-" and the node's RAM entirely.
TEST(InfoFixtures, ElastiCacheShowsItsNameAndHidesTheHost) {
  const Snapshot s = ParseInfo(ReadInfoFixture("elasticache-7.0.txt"));
  EXPECT_TRUE(s.parse_notes.empty());
  EXPECT_EQ(s.os, "Amazon ElastiCache");
  EXPECT_EQ(s.executable, "-");
  EXPECT_EQ(s.config_file, "-");
  EXPECT_EQ(s.total_system_memory, std::nullopt);
  EXPECT_EQ(s.maxmemory, 5256629452);
  EXPECT_EQ(s.maxmemory_policy, "volatile-lru");
  EXPECT_EQ(s.used_memory, 1068440);
  EXPECT_EQ(s.sections, (std::vector<std::string>{"server", "memory"}));
}

// Real capture, Debian 12 redis-server 7.0.15: a primary (maxmemory 64mb)
// whose replica was paused with SIGSTOP right after its sync, then 20 MB
// written. The buffer kept for the replica counts in used_memory but not
// for eviction (mem_not_counted_for_evict).
TEST(InfoFixtures, Redis70PrimaryWithPausedReplicaMatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.0.15",
      .redis_mode = "standalone",
      .os = "Linux 6.18.44-fc-v1272 x86_64",
      .uptime_in_seconds = 16,
      .run_id = "e417f2d676bd6b9fc046c1787691ef2ff8393c1b",
      .process_id = 6080,
      .tcp_port = 28919,
      .executable = "/tmp/repl-exp/redis-server",
      .config_file = "",
      .connected_clients = 1,
      .blocked_clients = 0,
      .used_memory = 40221160,
      .used_memory_rss = 50778112,
      .used_memory_peak = 40312752,
      .total_system_memory = 25276157952,
      .maxmemory = 67108864,
      .maxmemory_policy = "noeviction",
      .mem_fragmentation_ratio = 1.26,
      .mem_fragmentation_bytes = 10597712,
      .allocator_frag_ratio = 1.06,
      .allocator_frag_bytes = 2420856,
      .mem_clients_slaves = 15076480,
      .mem_replication_backlog = 1048652,
      .mem_total_replication_buffers = 16125056,
      .mem_not_counted_for_evict = 15072320,
      .loading = false,
      .rdb_changes_since_last_save = 200,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 376832,
      .rdb_last_save_time = 1796590220,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 216,
      .total_commands_processed = 225,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 0,
      .keyspace_misses = 0,
      .total_error_replies = 0,
      .role = "master",
      .connected_slaves = 1,
      .master_repl_offset = 20006729,
      .replicas = {{"slave0", {"127.0.0.1", 23767, "online", 0, 14}}},
      .has_errorstats_section = true,
      .keyspace = {{"db0", {200, 0, 0}}},
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication",
                   "errorstats", "keyspace"},
  };
  const Snapshot actual = ParseInfo(ReadInfoFixture("redis-7.0-paused-replica.txt"));
  ExpectSameSnapshot(actual, expected);
}

// Real capture, the replica of the capture above, in sync, before the pause.
TEST(InfoFixtures, Redis70ReplicaMatchesGolden) {
  const Snapshot expected = {
      .redis_version = "7.0.15",
      .redis_mode = "standalone",
      .os = "Linux 6.18.44-fc-v1272 x86_64",
      .uptime_in_seconds = 1,
      .run_id = "1b3c96b32ab030f1a41680f659399d245080c32d",
      .process_id = 6081,
      .tcp_port = 23767,
      .executable = "/tmp/repl-exp/redis-server",
      .config_file = "",
      .connected_clients = 2,
      .blocked_clients = 0,
      .used_memory = 919656,
      .used_memory_rss = 12173312,
      .used_memory_peak = 919656,
      .total_system_memory = 25276157952,
      .maxmemory = 0,
      .maxmemory_policy = "noeviction",
      .mem_fragmentation_ratio = 13.85,
      .mem_fragmentation_bytes = 11294416,
      .allocator_frag_ratio = 1.08,
      .allocator_frag_bytes = 135968,
      .mem_clients_slaves = 0,
      .mem_replication_backlog = 4,
      .mem_total_replication_buffers = 0,
      .mem_not_counted_for_evict = 0,
      .loading = false,
      .rdb_changes_since_last_save = 0,
      .rdb_bgsave_in_progress = false,
      .rdb_last_bgsave_ok = true,
      .rdb_last_cow_size = 0,
      .rdb_last_save_time = 1796590220,
      .aof_enabled = false,
      .aof_rewrite_in_progress = false,
      .aof_last_bgrewrite_ok = true,
      .aof_last_write_ok = true,
      .aof_last_cow_size = 0,
      .total_connections_received = 1,
      .total_commands_processed = 0,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 0,
      .keyspace_misses = 0,
      .total_error_replies = 0,
      .role = "slave",
      .master_host = "127.0.0.1",
      .master_port = 28919,
      .connected_slaves = 0,
      .master_link_up = true,
      .master_repl_offset = 0,
      .has_errorstats_section = true,
      .has_keyspace_section = true,
      .sections = {"server", "clients", "memory", "persistence", "stats", "replication",
                   "errorstats", "keyspace"},
  };
  ExpectSameSnapshot(ParseInfo(ReadInfoFixture("redis-7.0-replica.txt")), expected);
}

// Real capture, a Sentinel 7.0.15 (plain INFO): no Memory, Persistence,
// Replication or Keyspace section. It parses without a note, memory fields
// absent, and the Sentinel section's master0 line is ignored.
TEST(InfoFixtures, Sentinel70ParsesWithoutNotes) {
  const Snapshot expected = {
      .redis_version = "7.0.15",
      .redis_mode = "sentinel",
      .os = "Linux 6.18.44-fc-v1272 x86_64",
      .uptime_in_seconds = 1,
      .run_id = "d68af00094c374547c352fd1724e6bcb37575cf0",
      .process_id = 6137,
      .tcp_port = 22480,
      .executable = "/tmp/repl-exp/redis-server",
      .config_file = "/tmp/repl-exp/run.r72A/s.conf",
      .connected_clients = 1,
      .blocked_clients = 0,
      .total_connections_received = 3,
      .total_commands_processed = 2,
      .rejected_connections = 0,
      .expired_keys = 0,
      .evicted_keys = 0,
      .keyspace_hits = 0,
      .keyspace_misses = 0,
      .total_error_replies = 0,
      .sections = {"server", "clients", "stats", "cpu", "sentinel"},
  };
  const Snapshot actual = ParseInfo(ReadInfoFixture("sentinel-7.0.txt"));
  ExpectSameSnapshot(actual, expected);
  EXPECT_TRUE(actual.parse_notes.empty());
  EXPECT_FALSE(actual.used_memory.has_value());
  EXPECT_FALSE(actual.mem_clients_slaves.has_value());
  EXPECT_FALSE(actual.role.has_value());
  EXPECT_TRUE(actual.replicas.empty());
}

}  // namespace info_fixtures_test
}  // namespace memwatch::info
