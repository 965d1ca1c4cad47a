// Fuzzes info::ParseInfo with arbitrary reply bodies and checks the bounds
// its header promises, so a hostile server cannot grow a Snapshot without
// limit. Seeds: tests/fuzz/corpus/info_parser_fuzz (real INFO captures).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "info/info_parser.h"

namespace {

// Aborts with a message, so libFuzzer records the input as a crash.
void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "info_parser_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace memwatch::info;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const memwatch::Snapshot s = ParseInfo(text);

  // Line notes, one "N more problems" note and one note per cap.
  Require(s.parse_notes.size() <= kMaxParseNotes + 1 + 3, "too many parse notes");
  for (const std::string& note : s.parse_notes) {
    Require(note.size() <= 256, "a parse note longer than 256 bytes");
  }
  Require(s.keyspace.size() <= kMaxKeyspaceDbs, "keyspace above its cap");
  Require(s.errorstats.size() <= kMaxErrorstats, "errorstats above its cap");
  Require(s.sections.size() <= kMaxSections, "sections above their cap");
  for (const auto* v : {&s.redis_version, &s.server_name, &s.valkey_version, &s.redis_mode,
                        &s.executable, &s.config_file, &s.maxmemory_policy, &s.role}) {
    Require(!v->has_value() || (*v)->size() <= kMaxStringValueBytes, "a string value too long");
  }
  // Byte sizes and counters are never negative (the header's contract).
  for (const auto* v :
       {&s.used_memory, &s.used_memory_rss, &s.used_memory_peak, &s.total_system_memory,
        &s.maxmemory, &s.connected_clients, &s.blocked_clients, &s.evicted_keys, &s.expired_keys,
        &s.keyspace_hits, &s.keyspace_misses, &s.total_commands_processed, &s.rejected_connections,
        &s.total_error_replies, &s.rdb_changes_since_last_save}) {
    Require(!v->has_value() || **v >= 0, "a negative size or counter");
  }
  for (const auto* v : {&s.mem_fragmentation_ratio, &s.allocator_frag_ratio}) {
    Require(!v->has_value() || (std::isfinite(**v) && **v >= 0), "a ratio not finite and >= 0");
  }
  for (const auto& [name, db] : s.keyspace) {
    Require(db.keys >= 0 && db.expires >= 0, "a negative key count");
  }
  // The saturating sums must not overflow (UBSan would catch a wrap).
  Require(s.TotalKeys() >= 0 && s.TotalExpires() >= 0, "negative totals");
  return 0;
}
