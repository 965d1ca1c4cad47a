// Contract tests for ParseInfo on small hand-written replies: line ends,
// sections, typing of known fields, errorstats, keyspace and commandstats.
#include "info/info_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "unit/info/info_test_util.h"  // PrintTo(KeyspaceDb)

namespace memwatch::info {
namespace info_parser_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(ParseInfo, EmptyInputGivesEmptySnapshot) {
  const Snapshot s = ParseInfo("");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_FALSE(s.redis_version.has_value());
  EXPECT_THAT(s.sections, IsEmpty());
  EXPECT_THAT(s.keyspace, IsEmpty());
  EXPECT_THAT(s.errorstats, IsEmpty());
  EXPECT_FALSE(s.has_errorstats_section);
  EXPECT_FALSE(s.has_keyspace_section);
  EXPECT_THAT(s.parse_notes, IsEmpty());
  EXPECT_EQ(s.TotalKeys(), 0);
}

TEST(ParseInfo, BlankLinesAreSkipped) {
  const Snapshot s = ParseInfo("\r\n\n\r\n");
  EXPECT_THAT(s.sections, IsEmpty());
  EXPECT_THAT(s.parse_notes, IsEmpty());
}

TEST(ParseInfo, CrLfLfAndMixedLineEndsGiveTheSameFields) {
  for (const char* text : {"# Memory\r\nused_memory:100\r\nmaxmemory:200\r\n",
                           "# Memory\nused_memory:100\nmaxmemory:200\n",
                           "# Memory\r\nused_memory:100\nmaxmemory:200\r\n"}) {
    const Snapshot s = ParseInfo(text);
    EXPECT_EQ(s.used_memory, 100) << text;
    EXPECT_EQ(s.maxmemory, 200) << text;
    EXPECT_THAT(s.sections, ElementsAre("memory")) << text;
    EXPECT_THAT(s.parse_notes, IsEmpty()) << text;
  }
}

TEST(ParseInfo, SectionsAreLowerCaseAndListedOnce) {
  const Snapshot s = ParseInfo("# Server\r\n# CPU\r\n#  Keyspace \r\n# server\r\n");
  EXPECT_THAT(s.sections, ElementsAre("server", "cpu", "keyspace"));
  EXPECT_TRUE(s.has_keyspace_section);
  EXPECT_FALSE(s.has_errorstats_section);
}

TEST(ParseInfo, EmptyErrorstatsSectionIsPresentButEmpty) {
  const Snapshot s = ParseInfo("# Errorstats\r\n\r\n# Keyspace\r\n");
  EXPECT_TRUE(s.has_errorstats_section);
  EXPECT_THAT(s.errorstats, IsEmpty());
  EXPECT_TRUE(s.has_keyspace_section);
  EXPECT_THAT(s.keyspace, IsEmpty());
}

TEST(ParseInfo, FieldsOfSectionsNotRequestedStayAbsent) {
  const Snapshot s = ParseInfo("# Memory\r\nused_memory:1\r\n");
  EXPECT_EQ(s.used_memory, 1);
  EXPECT_FALSE(s.total_commands_processed.has_value());
  EXPECT_FALSE(s.role.has_value());
  EXPECT_FALSE(s.loading.has_value());
  EXPECT_FALSE(s.mem_fragmentation_ratio.has_value());
  EXPECT_FALSE(s.commandstats_rejected_calls.has_value());
  EXPECT_FALSE(s.cmdstat_info_calls.has_value());
}

TEST(ParseInfo, UnknownFieldsAreIgnoredWithoutNotes) {
  const Snapshot s = ParseInfo(
      "used_memory_human:1.02M\r\nslave_read_only:1\r\nslave_priority:100\r\n"
      "latency_percentiles_usec_get:p50=1.003,p99=2.007\r\nsome_future_field:\r\n");
  EXPECT_THAT(s.parse_notes, IsEmpty());
  EXPECT_FALSE(s.used_memory.has_value());
}

TEST(ParseInfo, FlagsAndStatusesBecomeBools) {
  const Snapshot s = ParseInfo(
      "loading:1\r\nrdb_bgsave_in_progress:0\r\nrdb_last_bgsave_status:err\r\n"
      "aof_enabled:1\r\naof_rewrite_in_progress:0\r\naof_last_bgrewrite_status:ok\r\n"
      "aof_last_write_status:err\r\n");
  EXPECT_EQ(s.loading, true);
  EXPECT_EQ(s.rdb_bgsave_in_progress, false);
  EXPECT_EQ(s.rdb_last_bgsave_ok, false);
  EXPECT_EQ(s.aof_enabled, true);
  EXPECT_EQ(s.aof_rewrite_in_progress, false);
  EXPECT_EQ(s.aof_last_bgrewrite_ok, true);
  EXPECT_EQ(s.aof_last_write_ok, false);
  EXPECT_THAT(s.parse_notes, IsEmpty());
}

// A Redis 7 primary with two replicas, one of them behind (captured shape:
// genRedisInfoString in redis/redis 7.0 src/server.c).
TEST(ParseInfo, ReplicationMemoryAndReplicasOfAPrimary) {
  const Snapshot s = ParseInfo(
      "# Memory\r\nused_memory:40000000\r\nmem_not_counted_for_evict:17825792\r\n"
      "mem_replication_backlog:1048576\r\nmem_total_replication_buffers:19922944\r\n"
      "mem_clients_slaves:18874368\r\n"
      "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n"
      "slave0:ip=127.0.0.1,port=6380,state=online,offset=2097152,lag=42\r\n"
      "slave1:ip=::1,port=6381,state=wait_bgsave,offset=0,lag=0,type=replica\r\n"
      "master_failover_state:no-failover\r\nmaster_repl_offset:20971520\r\n");
  EXPECT_THAT(s.parse_notes, IsEmpty());
  EXPECT_EQ(s.mem_not_counted_for_evict, 17825792);
  EXPECT_EQ(s.mem_replication_backlog, 1048576);
  EXPECT_EQ(s.mem_total_replication_buffers, 19922944);
  EXPECT_EQ(s.mem_clients_slaves, 18874368);
  EXPECT_EQ(s.role, "master");
  EXPECT_EQ(s.connected_slaves, 2);
  EXPECT_EQ(s.master_repl_offset, 20971520);
  EXPECT_FALSE(s.master_link_up.has_value());
  EXPECT_THAT(s.replicas,
              ElementsAre(Pair("slave0", ReplicaLink{"127.0.0.1", 6380, "online", 2097152, 42}),
                          Pair("slave1", ReplicaLink{"::1", 6381, "wait_bgsave", 0, 0})));
}

TEST(ParseInfo, ReplicaSideOfReplication) {
  const Snapshot s = ParseInfo(
      "# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\n"
      "master_link_status:down\r\nslave_repl_offset:14\r\nslave_read_only:1\r\n"
      "connected_slaves:0\r\nmaster_repl_offset:14\r\n");
  EXPECT_THAT(s.parse_notes, IsEmpty());
  EXPECT_EQ(s.role, "slave");
  EXPECT_EQ(s.master_link_up, false);
  EXPECT_EQ(s.connected_slaves, 0);
  EXPECT_THAT(s.replicas, IsEmpty());
  EXPECT_EQ(ParseInfo("master_link_status:up\r\n").master_link_up, true);
}

// Only ip and port are required; servers that print less still name the replica.
TEST(ParseInfo, ReplicaLinesNeedOnlyIpAndPort) {
  const Snapshot s = ParseInfo("slave3:ip=10.0.0.7,port=7000\r\n");
  EXPECT_THAT(s.parse_notes, IsEmpty());
  ASSERT_TRUE(s.replicas.contains("slave3"));
  const ReplicaLink& r = s.replicas.at("slave3");
  EXPECT_EQ(r.ip, "10.0.0.7");
  EXPECT_EQ(r.port, 7000);
  EXPECT_FALSE(r.state.has_value());
  EXPECT_FALSE(r.offset.has_value());
  EXPECT_FALSE(r.lag.has_value());
}

TEST(ParseInfo, RatiosAreDoubles) {
  const Snapshot s = ParseInfo("mem_fragmentation_ratio:0.87\r\nallocator_frag_ratio:12\r\n");
  EXPECT_EQ(s.mem_fragmentation_ratio, 0.87);
  EXPECT_EQ(s.allocator_frag_ratio, 12.0);
}

// RSS below used_memory (part of the data swapped out) is real, not an error.
TEST(ParseInfo, NegativeFragmentationBytesAreKept) {
  const Snapshot s = ParseInfo("mem_fragmentation_bytes:-1048576\r\n");
  EXPECT_EQ(s.mem_fragmentation_bytes, -1048576);
  EXPECT_THAT(s.parse_notes, IsEmpty());
}

TEST(ParseInfo, Int64ExtremesParse) {
  const Snapshot s = ParseInfo("used_memory:9223372036854775807\r\nmaxmemory:0\r\n");
  EXPECT_EQ(s.used_memory, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.maxmemory, 0);
}

TEST(ParseInfo, ValuesKeepTheirColonsAndSpaces) {
  const Snapshot s = ParseInfo("config_file:/etc/redis: odd/redis.conf\r\nexecutable:\r\n");
  EXPECT_EQ(s.config_file, "/etc/redis: odd/redis.conf");
  EXPECT_EQ(s.executable, "");  // present and empty, not absent
}

TEST(ParseInfo, ValkeyServerModeFillsRedisMode) {
  const Snapshot s = ParseInfo(
      "redis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\n"
      "server_mode:cluster\r\n");
  EXPECT_EQ(s.server_name, "valkey");
  EXPECT_EQ(s.valkey_version, "8.0.1");
  EXPECT_EQ(s.redis_version, "7.2.4");
  EXPECT_EQ(s.redis_mode, "cluster");
}

TEST(ParseInfo, RepeatedKeyLastOneWins) {
  const Snapshot s = ParseInfo("used_memory:1\r\nused_memory:2\r\n");
  EXPECT_EQ(s.used_memory, 2);
}

TEST(ParseInfo, ErrorstatsMapByErrorName) {
  const Snapshot s = ParseInfo(
      "# Errorstats\r\nerrorstat_ERR:count=3\r\nerrorstat_OOM:count=12\r\n"
      "errorstat_NOPERM:count=0\r\n");
  EXPECT_THAT(s.errorstats, ElementsAre(std::pair<const std::string, int64_t>("ERR", 3),
                                        std::pair<const std::string, int64_t>("NOPERM", 0),
                                        std::pair<const std::string, int64_t>("OOM", 12)));
}

TEST(ParseInfo, KeyspaceLinesWithAndWithoutSubexpiry) {
  const Snapshot s = ParseInfo(
      "# Keyspace\r\ndb0:keys=10,expires=4,avg_ttl=5000\r\n"
      "db15:keys=3,expires=1,avg_ttl=0,subexpiry=2\r\n"
      "db2:keys=7,expires=0,avg_ttl=0,keys_with_volatile_items=1\r\n");
  ASSERT_EQ(s.keyspace.size(), 3u);
  EXPECT_EQ(s.keyspace.at("db0"), (KeyspaceDb{10, 4, 5000, std::nullopt}));
  EXPECT_EQ(s.keyspace.at("db15"), (KeyspaceDb{3, 1, 0, 2}));
  EXPECT_EQ(s.keyspace.at("db2"), (KeyspaceDb{7, 0, 0, std::nullopt}));  // unknown attr ignored
  EXPECT_EQ(s.TotalKeys(), 20);
  EXPECT_EQ(s.TotalExpires(), 5);
  EXPECT_THAT(s.parse_notes, IsEmpty());
}

TEST(ParseInfo, CommandstatsAreSummedAndInfoIsPickedOut) {
  const Snapshot s = ParseInfo(
      "# Commandstats\r\n"
      "cmdstat_set:calls=10,usec=20,usec_per_call=2.00,rejected_calls=3,failed_calls=1\r\n"
      "cmdstat_config|set:calls=1,usec=9,usec_per_call=9.00,rejected_calls=0,failed_calls=2\r\n"
      "cmdstat_info:calls=7,usec=700,usec_per_call=100.00,rejected_calls=1,failed_calls=0\r\n");
  EXPECT_EQ(s.commandstats_rejected_calls, 4);
  EXPECT_EQ(s.commandstats_failed_calls, 3);
  EXPECT_EQ(s.cmdstat_info_calls, 7);
  EXPECT_EQ(s.cmdstat_info_usec, 700);
}

// Redis 6.0 prints no rejected_calls/failed_calls: the sums are unknown, not 0.
TEST(ParseInfo, CommandstatsWithoutRejectedCallsLeaveSumsAbsent) {
  const Snapshot s = ParseInfo(
      "# Commandstats\r\ncmdstat_get:calls=5,usec=10,usec_per_call=2.00\r\n"
      "cmdstat_info:calls=2,usec=60,usec_per_call=30.00\r\n");
  EXPECT_FALSE(s.commandstats_rejected_calls.has_value());
  EXPECT_FALSE(s.commandstats_failed_calls.has_value());
  EXPECT_EQ(s.cmdstat_info_calls, 2);
  EXPECT_EQ(s.cmdstat_info_usec, 60);
}

TEST(ParseInfo, EmptyCommandstatsSectionMeansNothingRejected) {
  const Snapshot s = ParseInfo("# Commandstats\r\n\r\n# Errorstats\r\n");
  EXPECT_EQ(s.commandstats_rejected_calls, 0);
  EXPECT_EQ(s.commandstats_failed_calls, 0);
  EXPECT_FALSE(s.cmdstat_info_calls.has_value());
}

TEST(ParseInfo, CommandstatsSumsSaturate) {
  const Snapshot s = ParseInfo(
      "cmdstat_a:calls=1,usec=1,rejected_calls=9223372036854775807,failed_calls=1\r\n"
      "cmdstat_b:calls=1,usec=1,rejected_calls=9223372036854775807,failed_calls=1\r\n");
  EXPECT_EQ(s.commandstats_rejected_calls, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.commandstats_failed_calls, 2);
}

}  // namespace info_parser_test
}  // namespace memwatch::info
