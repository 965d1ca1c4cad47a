// A sampled target's keyspace as the status page (GET /, /targets/NAME)
// and /api/v1/status show it: its top key prefixes by bytes from the last
// complete sampling cycle, taken from what the keyspace sampler exports
// (KeyspaceValues). Pure. Prefixes are keyspace::EscapeKeyName output, but
// still Redis's data: the HTML escapes them like everything else and the
// JSON carries them as strings; the HTML has class names only, the page's
// stylesheet gives them their look (one line per prefix on a phone).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "metrics/keyspace_metrics.h"

namespace memwatch::metrics {

// Prefixes shown per sampled target on the status page and in the JSON.
inline constexpr size_t kStatusTopPrefixes = 5;

// One of a target's top key prefixes in the last complete sampling cycle.
struct PrefixStatus {
  // As exported in the `prefix` label: keyspace::EscapeKeyName output, so
  // still data from Redis that the page and the JSON must escape.
  std::string prefix;
  uint64_t keys = 0;
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // nullopt when none of its keys was measured
  // bytes / the cycle's bytes (all prefixes, measured ones); nullopt
  // without bytes on either side.
  std::optional<double> share;
  bool operator==(const PrefixStatus&) const = default;
};

// The last complete sampling cycle of a target, summed over every prefix
// (the top N and the rest).
struct KeyspaceCycleStatus {
  std::optional<double> seconds;  // how long it took
  uint64_t keys = 0;
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // nullopt when no prefix had bytes
  std::vector<PrefixStatus> top;  // at most kStatusTopPrefixes, most bytes first
  bool operator==(const KeyspaceCycleStatus&) const = default;
};

// A sampled target's keyspace; TargetStatus::keyspace is nullopt for a
// target that is not sampled.
struct KeyspaceStatus {
  std::string backoff_reason = "none";            // KeyspaceValues::backoff_reason
  std::optional<KeyspaceCycleStatus> last_cycle;  // nullopt until one completes
  bool operator==(const KeyspaceStatus&) const = default;
};

// The status page's view of what the sampler exports: the `top` prefixes
// with the most bytes (then the most keys, then by name; kOtherPrefixLabel
// is never one of them), each with its share of the cycle's bytes, and the
// cycle's totals, which count every prefix including the rest.
KeyspaceStatus KeyspaceStatusOf(const KeyspaceValues& values, size_t top = kStatusTopPrefixes);

// Appends the top prefixes: a heading, a table (prefix, keys, keys without
// TTL, estimated bytes, share) and a line with the cycle's totals, its
// duration and why sampling is slowed down, if it is; one line instead
// before the first cycle completes or when it found no key.
void AppendKeyspaceHtml(std::string* out, const KeyspaceStatus& ks);

// {backoff_reason, last_cycle?: {seconds?, keys, keys_without_ttl, bytes?,
//  top_prefixes: [{prefix, keys, keys_without_ttl, bytes?, share?}]}}
// (docs/status-api.md); optional values are left out when unknown.
nlohmann::json KeyspaceJson(const KeyspaceStatus& ks);

}  // namespace memwatch::metrics
