// What the keyspace sampler of one target exports: plain values, converted
// from keyspace::KeyspaceSummary and SamplingBudget by app (metrics does not
// depend on keyspace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memwatch::metrics {

// The `prefix` label of the series that sums every prefix not in the top N.
// Real prefixes are escaped with keyspace::EscapeKeyName, whose output never
// has a backslash followed by anything but `\`, `"` or `x`, so this value
// cannot be a real prefix's (a key named `\other` comes out as `\\other`).
inline constexpr std::string_view kOtherPrefixLabel = "\\other";

struct KeyspacePrefixValues {
  std::string prefix;  // the label value: escaped, bounded, or kOtherPrefixLabel
  uint64_t keys = 0;
  uint64_t keys_without_ttl = 0;
  std::optional<uint64_t> bytes;  // nullopt when no key of it had MEMORY USAGE
  bool operator==(const KeyspacePrefixValues&) const = default;
};

struct KeyspaceValues {
  // The last complete cycle: top N by bytes, then "other" if any key is
  // left. nullopt before the first cycle completes (nothing is exported).
  std::optional<std::vector<KeyspacePrefixValues>> prefixes;
  std::optional<double> cycle_seconds;  // duration of that cycle
  uint64_t sampled_keys_total = 0;      // keys looked at since the sampler started
  double redis_seconds_total = 0;       // the sampler's own Redis time, measured
  // Why the sampling rate is cut back now: "none", "probe_latency",
  // "command_timeout" or "memory_pressure" (keyspace::BackoffReasonName).
  std::string backoff_reason = "none";
  bool operator==(const KeyspaceValues&) const = default;
};

// Every value backoff_reason takes, in the order the series are written.
inline constexpr std::string_view kKeyspaceBackoffReasons[] = {
    "none", "probe_latency", "command_timeout", "memory_pressure"};

}  // namespace memwatch::metrics
