// Malformed and hostile replies: each yields a partial Snapshot and short
// notes, never a crash, an exception or unbounded growth.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "info/info_parser.h"
#include "unit/info/info_test_util.h"

namespace memwatch::info {
namespace info_malformed_test {

using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

// The most notes a Snapshot can carry: the line notes, "N more problems", and
// one per cap (sections, errorstats, keyspace, replicas).
constexpr std::size_t kMaxNotesTotal = kMaxParseNotes + 5;

TEST(ParseInfoMalformed, NotANumberIsNotedAndTheRestStillParses) {
  const Snapshot s = ParseInfo("# Memory\r\nused_memory:12abc\r\nmaxmemory:100\r\n");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_EQ(s.maxmemory, 100);
  EXPECT_THAT(s.parse_notes, ElementsAre("line 2: used_memory: not a number"));
}

TEST(ParseInfoMalformed, EmptyNumberIsNotANumber) {
  const Snapshot s = ParseInfo("used_memory:\r\nused_memory_rss: 5\r\n");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_FALSE(s.used_memory_rss.has_value());
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: used_memory: not a number",
                                         "line 2: used_memory_rss: not a number"));
}

TEST(ParseInfoMalformed, Int64OverflowIsOutOfRange) {
  // The second is what %zu prints for a size_t that wrapped below zero.
  const Snapshot s =
      ParseInfo("used_memory:9223372036854775808\r\nallocator_frag_bytes:18446744073709549568\r\n");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_FALSE(s.allocator_frag_bytes.has_value());
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: used_memory: out of range",
                                         "line 2: allocator_frag_bytes: out of range"));
}

TEST(ParseInfoMalformed, NegativeSizesAndCountersAreRejected) {
  const Snapshot s = ParseInfo("used_memory:-5\r\nmaxmemory:-1\r\nconnected_clients:-2\r\n");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_FALSE(s.maxmemory.has_value());
  EXPECT_FALSE(s.connected_clients.has_value());
  EXPECT_THAT(s.parse_notes,
              ElementsAre("line 1: used_memory: negative", "line 2: maxmemory: negative",
                          "line 3: connected_clients: negative"));
}

TEST(ParseInfoMalformed, LineWithoutColonOrKeyIsNoted) {
  const Snapshot s = ParseInfo("# Memory\r\nused_memory 5\r\n:5\r\nmaxmemory:7\r\n");
  EXPECT_EQ(s.maxmemory, 7);
  EXPECT_THAT(s.parse_notes, ElementsAre("line 2: missing ':'", "line 3: empty key"));
}

TEST(ParseInfoMalformed, BadSectionHeaderIsNoted) {
  const Snapshot s = ParseInfo("#\r\n#   \r\n# Mem\x01ory\r\n# Memory\r\n");
  EXPECT_THAT(s.sections, ElementsAre("memory"));
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: bad section header", "line 2: bad section header",
                                         "line 3: bad section header"));
}

// A reply cut inside a line keeps what parsed and says it may be cut short.
TEST(ParseInfoMalformed, TruncatedLastLineIsNoted) {
  const Snapshot cut_value = ParseInfo("# Memory\r\nused_memory:10");
  EXPECT_EQ(cut_value.used_memory, 10);
  EXPECT_THAT(cut_value.parse_notes, ElementsAre("line 2: no line end (reply cut short?)"));

  const Snapshot cut_key = ParseInfo("# Memory\r\nused_mem");
  EXPECT_FALSE(cut_key.used_memory.has_value());
  EXPECT_THAT(cut_key.parse_notes,
              ElementsAre("line 2: no line end (reply cut short?)", "line 2: missing ':'"));
}

TEST(ParseInfoMalformed, BadFlagsStatusesAndRatiosAreNoted) {
  const Snapshot s = ParseInfo(
      "loading:2\r\nrdb_last_bgsave_status:OK\r\nmem_fragmentation_ratio:nan\r\n"
      "allocator_frag_ratio:-1.5\r\nmem_fragmentation_ratio:inf\r\n"
      "allocator_frag_ratio:1.2x\r\n");
  EXPECT_FALSE(s.loading.has_value());
  EXPECT_FALSE(s.rdb_last_bgsave_ok.has_value());
  EXPECT_FALSE(s.mem_fragmentation_ratio.has_value());
  EXPECT_FALSE(s.allocator_frag_ratio.has_value());
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: loading: expected 0 or 1",
                                         "line 2: rdb_last_bgsave_status: expected ok or err",
                                         "line 3: mem_fragmentation_ratio: not a finite ratio >= 0",
                                         "line 4: allocator_frag_ratio: not a finite ratio >= 0",
                                         "line 5: mem_fragmentation_ratio: not a finite ratio >= 0",
                                         "line 6: allocator_frag_ratio: not a number"));
}

TEST(ParseInfoMalformed, BadKeyspaceLinesAreDroppedWhole) {
  const Snapshot s = ParseInfo(
      "# Keyspace\r\n"
      "db0:keys=abc,expires=0,avg_ttl=0\r\n"
      "db1:keys=1\r\n"
      "db2:garbage\r\n"
      "db3:keys=-1,expires=0,avg_ttl=0\r\n"
      "db12345678901:keys=1,expires=0,avg_ttl=0\r\n"
      "db4:keys=5,expires=99999999999999999999,avg_ttl=0\r\n"
      "db5:keys=5,expires=1,avg_ttl=0\r\n");
  EXPECT_THAT(s.keyspace, SizeIs(1));
  EXPECT_EQ(s.keyspace.at("db5"), (KeyspaceDb{5, 1, 0, std::nullopt}));
  EXPECT_THAT(
      s.parse_notes,
      ElementsAre("line 2: db0.keys: not a number", "line 3: db1: missing keys, expires or avg_ttl",
                  "line 4: db2: expected keys=..,expires=..,avg_ttl=..",
                  "line 5: db3.keys: negative", "line 6: db12345678901: db number out of range",
                  "line 7: db4.expires: out of range"));
}

TEST(ParseInfoMalformed, BadReplicaLinesAreDroppedWhole) {
  const Snapshot s = ParseInfo(
      "slave0:ip=10.0.0.1,port=x,state=online,offset=1,lag=0\r\n"
      "slave1:ip=10.0.0.2,port=6379,offset=-1\r\n"
      "slave2:port=6379,state=online\r\n"
      "slave3:ip=10.0.0.4,port=70000\r\n"
      "slave4:10.0.0.5,6379,online\r\n"
      "slave5:ip=" +
      std::string(200, 'h') +
      ",port=6379\r\n"
      "slave99999999999:ip=10.0.0.6,port=6379\r\n"
      "slave6:ip=10.0.0.7,port=6379,state=online,offset=5,lag=1\r\n");
  EXPECT_THAT(s.replicas, ElementsAre(Pair("slave6", _)));
  EXPECT_THAT(
      s.parse_notes,
      ElementsAre("line 1: slave0.port: not a number", "line 2: slave1.offset: negative",
                  "line 3: slave2: missing ip or port", "line 4: slave3.port: out of range",
                  "line 5: slave4: expected ip=..,port=..", "line 6: slave5.ip: value too long",
                  "line 7: slave99999999999: replica number out of range"));
}

TEST(ParseInfoMalformed, BadMasterLinkStatusIsNoted) {
  const Snapshot s = ParseInfo("master_link_status:maybe\r\n");
  EXPECT_FALSE(s.master_link_up.has_value());
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: master_link_status: expected up or down"));
}

TEST(ParseInfoMalformed, ReplicasAreCapped) {
  std::string text = "# Replication\r\n";
  for (int i = 0; i < 300; ++i) {
    text += "slave" + std::to_string(i) + ":ip=10.0.0.1,port=" + std::to_string(7000 + i) + "\r\n";
  }
  const Snapshot s = ParseInfo(text);
  EXPECT_THAT(s.replicas, SizeIs(kMaxReplicas));
  EXPECT_THAT(s.parse_notes, ElementsAre("replication: 44 replicas beyond the first 256 ignored"));
}

TEST(ParseInfoMalformed, BadErrorstatLinesAreNoted) {
  const Snapshot s = ParseInfo(
      "errorstat_:count=1\r\nerrorstat_OOM:count=x\r\nerrorstat_ERR:5\r\n"
      "errorstat_BUSY:calls=1\r\nerrorstat_LOADING:count=2\r\n");
  EXPECT_THAT(s.errorstats, ElementsAre(std::pair<const std::string, int64_t>("LOADING", 2)));
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: errorstat_: bad error name",
                                         "line 2: errorstat_OOM.count: not a number",
                                         "line 3: errorstat_ERR: expected count=N",
                                         "line 4: errorstat_BUSY: missing count"));
}

TEST(ParseInfoMalformed, BadCmdstatLineKeepsTheGoodOnes) {
  const Snapshot s = ParseInfo(
      "cmdstat_set:calls=1,usec=2,rejected_calls=x,failed_calls=1\r\n"
      "cmdstat_get:oops\r\n"
      "cmdstat_del:calls=1,usec=2,rejected_calls=4,failed_calls=0\r\n");
  EXPECT_EQ(s.commandstats_rejected_calls, 4);
  EXPECT_EQ(s.commandstats_failed_calls, 1);
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: cmdstat_set.rejected_calls: not a number",
                                         "line 2: cmdstat_get: expected calls=..,usec=.."));
}

TEST(ParseInfoMalformed, BinaryBytesAndNulsAreHandled) {
  const char kText[] = "used_memory:1\0002\r\n\xff\xfe\x00\x01:\x80\r\nmaxmemory:3\r\n";
  const std::string text(kText, sizeof(kText) - 1);
  const Snapshot s = ParseInfo(text);
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_EQ(s.maxmemory, 3);
  EXPECT_THAT(s.parse_notes, ElementsAre("line 1: used_memory: not a number"));
}

TEST(ParseInfoMalformed, NotesStayShortAndPrintable) {
  const std::string key(10000, '\x01');
  const Snapshot s = ParseInfo("errorstat_" + key + ":count=1\r\ncmdstat_" + key + ":x\r\n");
  ASSERT_THAT(s.parse_notes, SizeIs(2));
  for (const std::string& note : s.parse_notes) {
    EXPECT_LE(note.size(), 100u) << note;
    for (char c : note) EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << note;
  }
}

TEST(ParseInfoMalformed, MegabyteLinesAreSkipped) {
  const std::string digits(1 << 20, '7');
  const std::string junk(1 << 20, 'x');
  const Snapshot s = ParseInfo("used_memory:" + digits + "\r\n" + junk + "\r\nexecutable:" +
                               std::string(kMaxStringValueBytes + 1, 'p') + "\r\nmaxmemory:9\r\n");
  EXPECT_FALSE(s.used_memory.has_value());
  EXPECT_FALSE(s.executable.has_value());
  EXPECT_EQ(s.maxmemory, 9);
  EXPECT_THAT(s.parse_notes,
              ElementsAre("line 1: too long (1048588 bytes)", "line 2: too long (1048576 bytes)",
                          "line 3: executable: value too long"));
}

TEST(ParseInfoMalformed, NotesAreCappedWithACount) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "no colon here\r\n";
  text += "maxmemory:5\r\n";
  const Snapshot s = ParseInfo(text);
  EXPECT_EQ(s.maxmemory, 5);
  ASSERT_THAT(s.parse_notes, SizeIs(kMaxParseNotes + 1));
  EXPECT_EQ(s.parse_notes.front(), "line 1: missing ':'");
  EXPECT_EQ(s.parse_notes.back(), "80 more problems");
}

TEST(ParseInfoMalformed, KeyspaceIsCappedAtMaxDbs) {
  std::string text = "# Keyspace\r\n";
  for (int i = 0; i < 10000; ++i) {
    text += "db" + std::to_string(i) + ":keys=2,expires=1,avg_ttl=0\r\n";
  }
  const Snapshot s = ParseInfo(text);
  EXPECT_THAT(s.keyspace, SizeIs(kMaxKeyspaceDbs));
  EXPECT_EQ(s.TotalKeys(), 2 * static_cast<int64_t>(kMaxKeyspaceDbs));
  EXPECT_THAT(s.parse_notes, ElementsAre("keyspace: 8976 dbs beyond the first 1024 ignored"));
}

TEST(ParseInfoMalformed, ErrorstatsAndSectionsAreCapped) {
  std::string text;
  for (int i = 0; i < 300; ++i) text += "errorstat_E" + std::to_string(i) + ":count=1\r\n";
  for (int i = 0; i < 100; ++i) text += "# S" + std::to_string(i) + "\r\n";
  text += "# Keyspace\r\n";
  const Snapshot s = ParseInfo(text);
  EXPECT_THAT(s.errorstats, SizeIs(kMaxErrorstats));
  EXPECT_THAT(s.sections, SizeIs(kMaxSections));
  EXPECT_TRUE(s.has_keyspace_section);  // flags do not depend on the list cap
  EXPECT_THAT(s.parse_notes, ElementsAre("sections: 37 beyond the first 64 ignored",
                                         "errorstats: 44 beyond the first 256 ignored"));
}

// Random bytes, and real replies with random bytes flipped: nothing may crash
// (run under ASan/UBSan too) and the notes stay bounded.
TEST(ParseInfoMalformed, RandomBytesNeverCrash) {
  std::mt19937 rng(20240601);  // fixed seed: failures reproduce
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "0123456789:#=,\r\n-dbkeys_";
  for (int round = 0; round < 300; ++round) {
    std::string text(1 + rng() % 4000, '\0');
    for (char& c : text) {
      c = round % 2 == 0 ? static_cast<char>(byte(rng)) : alphabet[rng() % alphabet.size()];
    }
    const Snapshot s = ParseInfo(text);
    ASSERT_LE(s.parse_notes.size(), kMaxNotesTotal);
  }
  const std::string golden = testing::ReadInfoFixture("redis-7.0-everything.txt");
  for (int round = 0; round < 300; ++round) {
    std::string text = golden;
    for (int flips = 0; flips < 8; ++flips) {
      text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    }
    const Snapshot s = ParseInfo(text);
    ASSERT_LE(s.parse_notes.size(), kMaxNotesTotal);
    ASSERT_LE(s.keyspace.size(), kMaxKeyspaceDbs);
  }
}

}  // namespace info_malformed_test
}  // namespace memwatch::info
