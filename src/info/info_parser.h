// Parser for the text of an INFO reply (Redis 6.0 to 7.x, Valkey 8). Pure: it
// knows nothing of hiredis or sockets, so golden captures and fuzzers drive it
// directly.
#pragma once

#include <cstddef>
#include <string_view>

#include "memwatch/snapshot.h"

namespace memwatch::info {

// Bounds that keep a hostile or broken reply from growing a Snapshot without
// limit. What is dropped is counted and reported in one extra note per cap.
inline constexpr std::size_t kMaxParseNotes = 20;
inline constexpr std::size_t kMaxKeyspaceDbs = 1024;
inline constexpr std::size_t kMaxErrorstats = 256;  // Redis itself keeps 128
inline constexpr std::size_t kMaxSections = 64;
inline constexpr std::size_t kMaxReplicas = 256;
// Longest line looked at; real INFO lines are under 200 bytes.
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} * 1024;
// Longest string value kept (executable and config_file are paths).
inline constexpr std::size_t kMaxStringValueBytes = 4096;

// Turns the body of an INFO reply into a Snapshot. Never throws and never
// fails: whatever parses is set, everything else stays std::nullopt, and each
// problem adds one short note to Snapshot::parse_notes ("line 12: used_memory:
// not a number"). At most kMaxParseNotes line notes are kept, followed by one
// "N more problems" note and one note per cap that dropped data.
//
// Contract, line by line (`\r\n` or `\n`; a last line without one is parsed
// and noted, since a reply cut short can turn 1048576 into 10):
//  - `# Name` starts a section: "name" (lower case) is added once to
//    Snapshot::sections; `# Errorstats` and `# Keyspace` set the has_* flags.
//  - `key:value` sets the Snapshot field of that name, typed; unknown keys are
//    ignored. Byte sizes and counters must be >= 0 (mem_fragmentation_bytes
//    may be negative), ratios finite and >= 0, flags `0|1`, statuses `ok|err`
//    (master_link_status `up|down`). Valkey's `server_mode` fills redis_mode.
//  - `errorstat_NAME:count=N` -> errorstats[NAME] = N.
//  - `dbN:keys=K,expires=E,avg_ttl=T[,subexpiry=S]` -> keyspace["dbN"]; keys,
//    expires and avg_ttl are required, other attributes are ignored.
//  - `slaveN:ip=I,port=P[,state=S,offset=O,lag=L]` -> replicas["slaveN"]; ip
//    and port are required, the port at most 65535, other attributes are
//    ignored. A bad number drops the line, as for keyspace lines.
//  - `cmdstat_CMD:calls=..,usec=..,..,rejected_calls=R,failed_calls=F`: R and
//    F are summed over all commands (set when a line carries them, or to 0
//    when a Commandstats section has no lines); CMD "info" also sets
//    cmdstat_info_calls and cmdstat_info_usec.
//  - empty lines are skipped; anything else is noted.
// A repeated key overwrites the earlier value.
Snapshot ParseInfo(std::string_view text);

}  // namespace memwatch::info
