// Doctor's keyspace section: which key prefixes fill Redis, which have no
// TTL, which grow, and what to do about it. Pure formatting of a
// keyspace::KeyspaceSummary for a terminal (text) or for scripts (JSON).
// Every prefix goes through keyspace::EscapeKeyName: key names are data from
// outside (binary bytes, newlines, quotes, HTML, 10 KB names).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "keyspace/summary.h"

namespace memwatch::doctor {

// What doctor's own bounded scan did, as opposed to what it found.
struct KeyspaceScan {
  double seconds = 0;         // spent scanning
  uint64_t keys_scanned = 0;  // keys SCAN returned, repeats included
  bool cut_short = false;     // stopped by --scan-time before the cycle completed
};

// What the advice depends on besides the summary.
struct KeyspaceContext {
  std::string maxmemory_policy;  // "noeviction", "volatile-lru", ...; "" when unknown
  bool limit_set = false;        // maxmemory > 0: Redis evicts or refuses writes at it
  KeyspaceScan scan;
};

// Every line of FormatKeyspaceText is at most this many columns (UTF-8 code
// points), its two-space indent included.
inline constexpr int kKeyspaceTextColumns = 100;

// The keyspace section, each line indented by two spaces and ending in '\n':
// a header ("Keyspace: 20,000 of 250,000 keys sampled in 10.0 s (8%)"), the
// top prefixes by memory, the top prefixes by keys without TTL, then advice:
// prefixes that are a large share and have no TTL at all, the prefixes a
// volatile-* policy can never evict, writes refused under noeviction, and
// once what the estimates and their ± mean.
std::string FormatKeyspaceText(const keyspace::KeyspaceSummary& summary,
                               const KeyspaceContext& context);

// The line doctor prints instead when no scan ran ("--no-scan", "a replica",
// an error message).
std::string FormatKeyspaceSkippedText(const std::string& reason);

// The `keyspace` object of doctor's JSON: total_keys, sampled_keys,
// complete, seconds, scan {seconds, keys_scanned, cut_short}, and by_bytes /
// by_no_ttl arrays of {prefix (escaped, "" for other), other, sampled, keys,
// keys_without_ttl ({value, low, high}), bytes (null when unknown),
// bytes_samples, share, dominant_type, keys_growth_per_hour,
// bytes_growth_per_hour (null when unknown)}.
nlohmann::json KeyspaceJson(const keyspace::KeyspaceSummary& summary,
                            const KeyspaceContext& context);

// {"skipped": reason}: the `keyspace` object when no scan ran.
nlohmann::json KeyspaceSkippedJson(const std::string& reason);

// Whether Redis announces evictions (notify-keyspace-events), shown for a
// target with keyspace.protected patterns: without the events the daemon
// cannot report an evicted protected key.
struct EvictionEvents {
  // The server's notify-keyspace-events; nullopt when CONFIG GET failed or
  // was refused (a managed service), with the reason in `error`.
  std::optional<std::string> flags;
  std::string error;
  bool on = false;                              // flags hold E and e (or A, which includes e)
  std::vector<std::string> protected_patterns;  // as configured, raw
};

// "  Eviction events: off (notify-keyspace-events \"\"): ...", wrapped,
// each line indented by two spaces: whether they are on and, when not or
// unknown, how to turn them on and what they cost. Every server text and
// pattern is escaped.
std::string FormatEvictionEventsText(const EvictionEvents& events);

// {"state": "on"|"off"|"unknown", "notify_keyspace_events": flags or null,
//  "error": reason (unknown only), "protected": [patterns, escaped]}.
nlohmann::json EvictionEventsJson(const EvictionEvents& events);

// One line of exactly `width` columns (ASCII; empty when width <= 0) for
// stderr while the scan runs: a bar filled to `fraction` (clamped to 0..1,
// NaN counts as 0), the percentage, the keys looked at and the seconds
// spent. The caller redraws it after '\r', and only when stderr is a tty.
std::string FormatProgressBar(double fraction, uint64_t keys, double seconds, int width);

}  // namespace memwatch::doctor
