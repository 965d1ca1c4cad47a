#include "info/info_parser.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "memwatch/saturating.h"

namespace memwatch::info {
namespace {

// Byte sizes and counters cannot be negative; a negative one is a broken
// reply, and a check fed with it would compute nonsense. The one exception is
// mem_fragmentation_bytes (rss - used, printed with %zd), negative when part of
// the data set is swapped out.
enum class Range { kNonNegative, kAny };
enum class BoolForm { kZeroOne, kOkErr, kUpDown };

struct IntField {
  std::string_view key;
  std::optional<int64_t> Snapshot::*member;
  Range range;
};
struct DoubleField {
  std::string_view key;
  std::optional<double> Snapshot::*member;
};
struct BoolField {
  std::string_view key;
  std::optional<bool> Snapshot::*member;
  BoolForm form;
};
struct StringField {
  std::string_view key;
  std::optional<std::string> Snapshot::*member;
};

constexpr Range kNonNeg = Range::kNonNegative;

constexpr IntField kIntFields[] = {
    {"uptime_in_seconds", &Snapshot::uptime_in_seconds, kNonNeg},
    {"process_id", &Snapshot::process_id, kNonNeg},
    {"tcp_port", &Snapshot::tcp_port, kNonNeg},
    {"connected_clients", &Snapshot::connected_clients, kNonNeg},
    {"blocked_clients", &Snapshot::blocked_clients, kNonNeg},
    {"used_memory", &Snapshot::used_memory, kNonNeg},
    {"used_memory_rss", &Snapshot::used_memory_rss, kNonNeg},
    {"used_memory_peak", &Snapshot::used_memory_peak, kNonNeg},
    {"total_system_memory", &Snapshot::total_system_memory, kNonNeg},
    {"maxmemory", &Snapshot::maxmemory, kNonNeg},
    {"mem_fragmentation_bytes", &Snapshot::mem_fragmentation_bytes, Range::kAny},
    {"allocator_frag_bytes", &Snapshot::allocator_frag_bytes, kNonNeg},
    {"mem_clients_slaves", &Snapshot::mem_clients_slaves, kNonNeg},
    {"mem_replication_backlog", &Snapshot::mem_replication_backlog, kNonNeg},
    {"mem_total_replication_buffers", &Snapshot::mem_total_replication_buffers, kNonNeg},
    {"mem_not_counted_for_evict", &Snapshot::mem_not_counted_for_evict, kNonNeg},
    {"rdb_changes_since_last_save", &Snapshot::rdb_changes_since_last_save, kNonNeg},
    {"rdb_last_cow_size", &Snapshot::rdb_last_cow_size, kNonNeg},
    {"rdb_last_save_time", &Snapshot::rdb_last_save_time, kNonNeg},
    {"aof_last_cow_size", &Snapshot::aof_last_cow_size, kNonNeg},
    {"total_connections_received", &Snapshot::total_connections_received, kNonNeg},
    {"total_commands_processed", &Snapshot::total_commands_processed, kNonNeg},
    {"rejected_connections", &Snapshot::rejected_connections, kNonNeg},
    {"expired_keys", &Snapshot::expired_keys, kNonNeg},
    {"evicted_keys", &Snapshot::evicted_keys, kNonNeg},
    {"keyspace_hits", &Snapshot::keyspace_hits, kNonNeg},
    {"keyspace_misses", &Snapshot::keyspace_misses, kNonNeg},
    {"total_error_replies", &Snapshot::total_error_replies, kNonNeg},
    {"master_port", &Snapshot::master_port, kNonNeg},
    {"connected_slaves", &Snapshot::connected_slaves, kNonNeg},
    {"master_repl_offset", &Snapshot::master_repl_offset, kNonNeg},
};

constexpr DoubleField kDoubleFields[] = {
    {"mem_fragmentation_ratio", &Snapshot::mem_fragmentation_ratio},
    {"allocator_frag_ratio", &Snapshot::allocator_frag_ratio},
};

constexpr BoolField kBoolFields[] = {
    {"loading", &Snapshot::loading, BoolForm::kZeroOne},
    {"rdb_bgsave_in_progress", &Snapshot::rdb_bgsave_in_progress, BoolForm::kZeroOne},
    {"rdb_last_bgsave_status", &Snapshot::rdb_last_bgsave_ok, BoolForm::kOkErr},
    {"aof_enabled", &Snapshot::aof_enabled, BoolForm::kZeroOne},
    {"aof_rewrite_in_progress", &Snapshot::aof_rewrite_in_progress, BoolForm::kZeroOne},
    {"aof_last_bgrewrite_status", &Snapshot::aof_last_bgrewrite_ok, BoolForm::kOkErr},
    {"aof_last_write_status", &Snapshot::aof_last_write_ok, BoolForm::kOkErr},
    {"master_link_status", &Snapshot::master_link_up, BoolForm::kUpDown},
};

constexpr StringField kStringFields[] = {
    {"redis_version", &Snapshot::redis_version},
    {"server_name", &Snapshot::server_name},
    {"valkey_version", &Snapshot::valkey_version},
    {"redis_mode", &Snapshot::redis_mode},
    // Valkey 8 prints redis_mode as server_mode unless extended-redis-compatibility is on.
    {"server_mode", &Snapshot::redis_mode},
    {"os", &Snapshot::os},
    {"executable", &Snapshot::executable},
    {"run_id", &Snapshot::run_id},
    {"config_file", &Snapshot::config_file},
    {"maxmemory_policy", &Snapshot::maxmemory_policy},
    {"role", &Snapshot::role},
    {"master_host", &Snapshot::master_host},
};

constexpr std::string_view kErrorstatPrefix = "errorstat_";
constexpr std::string_view kCmdstatPrefix = "cmdstat_";
constexpr std::string_view kReplicaPrefix = "slave";
constexpr int64_t kMaxPort = 65535;
constexpr std::size_t kMaxNameBytes = 128;    // error names, db names, section names
constexpr std::size_t kMaxNoteKeyBytes = 40;  // keeps notes short whatever the input

// A key as it may appear in a note: at most kMaxNoteKeyBytes, bytes outside
// printable ASCII shown as '?'.
std::string Printable(std::string_view text) {
  std::string out(text.substr(0, kMaxNoteKeyBytes));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  if (text.size() > kMaxNoteKeyBytes) out += "...";
  return out;
}

// `<prefix>` followed by at least one digit and nothing else: db0, slave12.
bool IsNumbered(std::string_view key, std::string_view prefix) {
  return key.size() > prefix.size() && key.starts_with(prefix) &&
         std::all_of(key.begin() + static_cast<std::ptrdiff_t>(prefix.size()), key.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Calls fn(name, value) for each `name=value` of `a=1,b=2`, in order. Returns
// false, having stopped, at the first part without '='.
template <typename Fn>
bool ForEachAttribute(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view part = list.substr(0, comma);
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) return false;
    fn(part.substr(0, eq), part.substr(eq + 1));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return true;
}

// The words a BoolField reads as true and as false, and its note otherwise.
struct BoolWords {
  std::string_view yes, no, expected;
};
BoolWords WordsOf(BoolForm form) {
  switch (form) {
    case BoolForm::kZeroOne:
      return {"1", "0", "expected 0 or 1"};
    case BoolForm::kOkErr:
      return {"ok", "err", "expected ok or err"};
    case BoolForm::kUpDown:
      return {"up", "down", "expected up or down"};
  }
  return {"1", "0", "expected 0 or 1"};
}

// One parse of one reply. Every method that rejects something notes why.
class Parser {
 public:
  Snapshot Run(std::string_view text) &&;

 private:
  void Line(std::string_view line);
  void Header(std::string_view line);
  void Field(std::string_view key, std::string_view value);
  bool TypedField(std::string_view key, std::string_view value);
  void ErrorstatLine(std::string_view key, std::string_view value);
  void KeyspaceLine(std::string_view key, std::string_view value);
  void CmdstatLine(std::string_view key, std::string_view value);
  void ReplicaLine(std::string_view key, std::string_view value);
  void Finish();

  std::optional<int64_t> Int(std::string_view key, std::string_view attr, std::string_view text,
                             Range range);
  std::optional<double> Ratio(std::string_view key, std::string_view text);
  // Adds "line N: key[.attr]: problem", or only counts it past kMaxParseNotes.
  void Note(std::string_view key, std::string_view attr, std::string_view problem);

  Snapshot snap_;
  std::size_t line_no_ = 0;
  std::size_t suppressed_notes_ = 0;
  std::size_t dropped_sections_ = 0;
  std::size_t dropped_dbs_ = 0;
  std::size_t dropped_errorstats_ = 0;
  std::size_t dropped_replicas_ = 0;
  std::size_t cmdstat_lines_ = 0;
  bool commandstats_section_ = false;
};

Snapshot Parser::Run(std::string_view text) && {
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line_no_;
    const std::size_t nl = text.find('\n', pos);
    const bool terminated = nl != std::string_view::npos;
    std::string_view line = text.substr(pos, (terminated ? nl : text.size()) - pos);
    pos = terminated ? nl + 1 : text.size();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!terminated) Note({}, {}, "no line end (reply cut short?)");
    Line(line);
  }
  Finish();
  return std::move(snap_);
}

void Parser::Line(std::string_view line) {
  if (line.empty()) return;
  if (line.size() > kMaxLineBytes) {
    Note({}, {}, "too long (" + std::to_string(line.size()) + " bytes)");
    return;
  }
  if (line.front() == '#') {
    Header(line);
    return;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    Note({}, {}, "missing ':'");
    return;
  }
  if (colon == 0) {
    Note({}, {}, "empty key");
    return;
  }
  Field(line.substr(0, colon), line.substr(colon + 1));
}

void Parser::Header(std::string_view line) {
  std::string_view name = line.substr(1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  const bool printable =
      std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (name.empty() || name.size() > kMaxNameBytes || !printable) {
    Note({}, {}, "bad section header");
    return;
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower == "errorstats") snap_.has_errorstats_section = true;
  if (lower == "keyspace") snap_.has_keyspace_section = true;
  if (lower == "commandstats") commandstats_section_ = true;
  auto& sections = snap_.sections;
  if (std::find(sections.begin(), sections.end(), lower) != sections.end()) return;
  if (sections.size() >= kMaxSections) {
    ++dropped_sections_;
    return;
  }
  sections.push_back(std::move(lower));
}

void Parser::Field(std::string_view key, std::string_view value) {
  if (TypedField(key, value)) return;
  if (key.starts_with(kErrorstatPrefix)) {
    ErrorstatLine(key, value);
  } else if (key.starts_with(kCmdstatPrefix)) {
    CmdstatLine(key, value);
  } else if (IsNumbered(key, "db")) {
    KeyspaceLine(key, value);
  } else if (IsNumbered(key, kReplicaPrefix)) {
    ReplicaLine(key, value);
  }
  // Anything else is a field we do not use: newer servers add some every release.
}

bool Parser::TypedField(std::string_view key, std::string_view value) {
  for (const IntField& f : kIntFields) {
    if (f.key != key) continue;
    snap_.*f.member = Int(key, {}, value, f.range);
    return true;
  }
  for (const DoubleField& f : kDoubleFields) {
    if (f.key != key) continue;
    snap_.*f.member = Ratio(key, value);
    return true;
  }
  for (const BoolField& f : kBoolFields) {
    if (f.key != key) continue;
    const BoolWords words = WordsOf(f.form);
    if (value == words.yes || value == words.no) {
      snap_.*f.member = value == words.yes;
    } else {
      snap_.*f.member = std::nullopt;
      Note(key, {}, words.expected);
    }
    return true;
  }
  for (const StringField& f : kStringFields) {
    if (f.key != key) continue;
    if (value.size() > kMaxStringValueBytes) {
      snap_.*f.member = std::nullopt;
      Note(key, {}, "value too long");
    } else {
      snap_.*f.member = std::string(value);
    }
    return true;
  }
  return false;
}

void Parser::ErrorstatLine(std::string_view key, std::string_view value) {
  const std::string_view name = key.substr(kErrorstatPrefix.size());
  if (name.empty() || name.size() > kMaxNameBytes) {
    Note(key, {}, "bad error name");
    return;
  }
  std::string name_str(name);
  if (snap_.errorstats.size() >= kMaxErrorstats && !snap_.errorstats.contains(name_str)) {
    ++dropped_errorstats_;
    return;
  }
  std::optional<int64_t> count;
  bool bad = false;
  const bool ok = ForEachAttribute(value, [&](std::string_view attr, std::string_view text) {
    if (attr != "count") return;
    count = Int(key, attr, text, kNonNeg);
    bad = bad || !count;
  });
  if (!ok) return Note(key, {}, "expected count=N");
  if (bad) return;  // noted by Int()
  if (!count) return Note(key, {}, "missing count");
  snap_.errorstats[std::move(name_str)] = *count;
}

void Parser::KeyspaceLine(std::string_view key, std::string_view value) {
  if (key.size() > 12) {  // "db" and at most 10 digits: Redis numbers dbs with an int
    Note(key, {}, "db number out of range");
    return;
  }
  std::string name(key);
  if (snap_.keyspace.size() >= kMaxKeyspaceDbs && !snap_.keyspace.contains(name)) {
    ++dropped_dbs_;
    return;
  }
  std::optional<int64_t> keys, expires, avg_ttl, subexpiry;
  bool bad = false;
  const bool ok = ForEachAttribute(value, [&](std::string_view attr, std::string_view text) {
    std::optional<int64_t>* slot = attr == "keys"        ? &keys
                                   : attr == "expires"   ? &expires
                                   : attr == "avg_ttl"   ? &avg_ttl
                                   : attr == "subexpiry" ? &subexpiry
                                                         : nullptr;
    if (slot == nullptr) return;  // attributes of newer servers
    *slot = Int(key, attr, text, kNonNeg);
    bad = bad || !*slot;
  });
  if (!ok) return Note(key, {}, "expected keys=..,expires=..,avg_ttl=..");
  if (bad) return;  // noted by Int(); half a db line would mislead the checks
  if (!keys || !expires || !avg_ttl) return Note(key, {}, "missing keys, expires or avg_ttl");
  snap_.keyspace[std::move(name)] = KeyspaceDb{*keys, *expires, *avg_ttl, subexpiry};
}

void Parser::CmdstatLine(std::string_view key, std::string_view value) {
  ++cmdstat_lines_;
  std::optional<int64_t> calls, usec, rejected, failed;
  const bool ok = ForEachAttribute(value, [&](std::string_view attr, std::string_view text) {
    std::optional<int64_t>* slot = attr == "calls"            ? &calls
                                   : attr == "usec"           ? &usec
                                   : attr == "rejected_calls" ? &rejected
                                   : attr == "failed_calls"   ? &failed
                                                              : nullptr;
    if (slot != nullptr) *slot = Int(key, attr, text, kNonNeg);
  });
  if (!ok) return Note(key, {}, "expected calls=..,usec=..");
  if (rejected) {
    snap_.commandstats_rejected_calls =
        SaturatingAdd(snap_.commandstats_rejected_calls.value_or(0), *rejected);
  }
  if (failed) {
    snap_.commandstats_failed_calls =
        SaturatingAdd(snap_.commandstats_failed_calls.value_or(0), *failed);
  }
  if (key.substr(kCmdstatPrefix.size()) == "info") {
    snap_.cmdstat_info_calls = calls;
    snap_.cmdstat_info_usec = usec;
  }
}

void Parser::ReplicaLine(std::string_view key, std::string_view value) {
  if (key.size() > kReplicaPrefix.size() + 10) {  // Redis numbers replicas with an int
    Note(key, {}, "replica number out of range");
    return;
  }
  std::string name(key);
  if (snap_.replicas.size() >= kMaxReplicas && !snap_.replicas.contains(name)) {
    ++dropped_replicas_;
    return;
  }
  ReplicaLink link;
  std::optional<std::string> ip;
  std::optional<int64_t> port;
  bool bad = false;
  const bool ok = ForEachAttribute(value, [&](std::string_view attr, std::string_view text) {
    std::optional<std::string>* word = attr == "ip" ? &ip : attr == "state" ? &link.state : nullptr;
    std::optional<int64_t>* number = attr == "port"     ? &port
                                     : attr == "offset" ? &link.offset
                                     : attr == "lag"    ? &link.lag
                                                        : nullptr;
    if (word != nullptr && text.size() > kMaxNameBytes) {
      Note(key, attr, "value too long");
      bad = true;
    } else if (word != nullptr) {
      *word = std::string(text);
    } else if (number != nullptr) {
      *number = Int(key, attr, text, kNonNeg);
      bad = bad || !*number;
    }  // other attributes: newer servers
  });
  if (!ok) return Note(key, {}, "expected ip=..,port=..");
  if (bad) return;  // noted above; half a replica line would mislead the checks
  if (!ip.has_value() || ip->empty() || !port) return Note(key, {}, "missing ip or port");
  if (*port > kMaxPort) return Note(key, "port", "out of range");
  link.ip = std::move(*ip);
  link.port = *port;
  snap_.replicas[std::move(name)] = std::move(link);
}

void Parser::Finish() {
  // An empty Commandstats section means no command ran: nothing was rejected.
  if (commandstats_section_ && cmdstat_lines_ == 0) {
    snap_.commandstats_rejected_calls = 0;
    snap_.commandstats_failed_calls = 0;
  }
  auto& notes = snap_.parse_notes;
  if (dropped_sections_ > 0) {
    notes.push_back("sections: " + std::to_string(dropped_sections_) + " beyond the first " +
                    std::to_string(kMaxSections) + " ignored");
  }
  if (dropped_errorstats_ > 0) {
    notes.push_back("errorstats: " + std::to_string(dropped_errorstats_) + " beyond the first " +
                    std::to_string(kMaxErrorstats) + " ignored");
  }
  if (dropped_dbs_ > 0) {
    notes.push_back("keyspace: " + std::to_string(dropped_dbs_) + " dbs beyond the first " +
                    std::to_string(kMaxKeyspaceDbs) + " ignored");
  }
  if (dropped_replicas_ > 0) {
    notes.push_back("replication: " + std::to_string(dropped_replicas_) +
                    " replicas beyond the first " + std::to_string(kMaxReplicas) + " ignored");
  }
  if (suppressed_notes_ > 0) notes.push_back(std::to_string(suppressed_notes_) + " more problems");
}

std::optional<int64_t> Parser::Int(std::string_view key, std::string_view attr,
                                   std::string_view text, Range range) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    Note(key, attr, "out of range");
    return std::nullopt;
  }
  if (ec != std::errc() || ptr != end) {
    Note(key, attr, "not a number");
    return std::nullopt;
  }
  if (range == Range::kNonNegative && value < 0) {
    Note(key, attr, "negative");
    return std::nullopt;
  }
  return value;
}

std::optional<double> Parser::Ratio(std::string_view key, std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    Note(key, {}, "not a number");
    return std::nullopt;
  }
  if (!std::isfinite(value) || value < 0) {
    Note(key, {}, "not a finite ratio >= 0");
    return std::nullopt;
  }
  return value;
}

void Parser::Note(std::string_view key, std::string_view attr, std::string_view problem) {
  if (snap_.parse_notes.size() >= kMaxParseNotes) {
    ++suppressed_notes_;
    return;
  }
  std::string note = "line " + std::to_string(line_no_) + ": ";
  if (!key.empty()) {
    note += Printable(key);
    // Appended piece by piece: `"." + Printable(attr)` trips GCC 12's
    // -Werror=restrict at -O3 (a false positive, GCC bug 105329).
    if (!attr.empty()) {
      note += '.';
      note += Printable(attr);
    }
    note += ": ";
  }
  note += problem;
  snap_.parse_notes.push_back(std::move(note));
}

}  // namespace

Snapshot ParseInfo(std::string_view text) { return Parser().Run(text); }

}  // namespace memwatch::info
