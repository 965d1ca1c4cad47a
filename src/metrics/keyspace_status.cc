#include "metrics/keyspace_status.h"

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/format.h"
#include "memwatch/escape_html.h"

namespace memwatch::metrics {
namespace {

// True iff `a` comes before `b` among the top prefixes: more bytes (a
// prefix without bytes counts as 0), then more keys, then by name.
bool BeforeInTop(const KeyspacePrefixValues* a, const KeyspacePrefixValues* b) {
  return std::tuple(b->bytes.value_or(0), b->keys, a->prefix) <
         std::tuple(a->bytes.value_or(0), a->keys, b->prefix);
}

// In people's words, why the sampler is slowed down now; "" when it is not.
std::string BackoffText(const std::string& reason) {
  if (reason == "none") return "";
  if (reason == "probe_latency") return "Redis answers slowly";
  if (reason == "command_timeout") return "its commands time out or the target is down";
  if (reason == "memory_pressure") return "used memory is near the limit";
  return EscapeHtml(reason);
}

}  // namespace

void AppendKeyspaceHtml(std::string* out, const KeyspaceStatus& ks) {
  const std::string backoff = BackoffText(ks.backoff_reason);
  const std::string slowed =
      backoff.empty() ? std::string() : fmt::format("; sampling slowed down: {}", backoff);
  if (!ks.last_cycle.has_value()) {
    *out += fmt::format(
        "<p class=\"facts\">Key prefixes: sampling the keyspace, no complete cycle yet{}</p>",
        slowed);
    return;
  }
  const KeyspaceCycleStatus& c = *ks.last_cycle;
  std::string took;
  if (c.seconds.has_value()) {
    took = *c.seconds < 1 ? " (took less than 1 s)"
                          : fmt::format(" (took {})", checks::FormatDuration(*c.seconds));
  }
  if (c.top.empty()) {
    *out += fmt::format(
        "<p class=\"facts\">Key prefixes: no keys in the last complete sampling cycle{}{}</p>",
        took, slowed);
    return;
  }
  *out +=
      "<h3>Top key prefixes</h3><table class=\"prefixes\"><thead><tr><th>prefix</th>"
      "<th>keys</th><th>no TTL</th><th>bytes</th><th>share</th></tr></thead><tbody>";
  for (const PrefixStatus& p : c.top) {
    *out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", EscapeHtml(p.prefix),
        checks::FormatCount(static_cast<int64_t>(p.keys)),
        checks::FormatCount(static_cast<int64_t>(p.keys_without_ttl)),
        p.bytes.has_value() ? checks::FormatBytes(static_cast<int64_t>(*p.bytes)) : "n/a",
        p.share.has_value() ? checks::FormatPercent(*p.share) : "n/a");
  }
  const std::string bytes =
      c.bytes.has_value()
          ? fmt::format(", about {}", checks::FormatBytes(static_cast<int64_t>(*c.bytes)))
          : "";
  *out += fmt::format(
      "</tbody></table><p class=\"facts\">all prefixes: {} keys, {} without TTL{}, in the last "
      "complete sampling cycle{}; bytes are estimates, share is of all prefixes' bytes{}</p>",
      checks::FormatCount(static_cast<int64_t>(c.keys)),
      checks::FormatCount(static_cast<int64_t>(c.keys_without_ttl)), bytes, took, slowed);
}

KeyspaceStatus KeyspaceStatusOf(const KeyspaceValues& values, size_t top) {
  KeyspaceStatus out;
  out.backoff_reason = values.backoff_reason;
  if (!values.prefixes.has_value()) return out;
  KeyspaceCycleStatus cycle;
  cycle.seconds = values.cycle_seconds;
  std::vector<const KeyspacePrefixValues*> named;
  named.reserve(values.prefixes->size());
  for (const KeyspacePrefixValues& p : *values.prefixes) {
    cycle.keys += p.keys;
    cycle.keys_without_ttl += p.keys_without_ttl;
    if (p.bytes.has_value()) cycle.bytes = cycle.bytes.value_or(0) + *p.bytes;
    if (p.prefix != kOtherPrefixLabel) named.push_back(&p);
  }
  const size_t n = std::min(top, named.size());
  std::partial_sort(named.begin(), named.begin() + static_cast<std::ptrdiff_t>(n), named.end(),
                    BeforeInTop);
  cycle.top.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const KeyspacePrefixValues& p = *named[i];
    PrefixStatus s{.prefix = p.prefix,
                   .keys = p.keys,
                   .keys_without_ttl = p.keys_without_ttl,
                   .bytes = p.bytes};
    if (p.bytes.has_value() && cycle.bytes.value_or(0) > 0) {
      s.share = static_cast<double>(*p.bytes) / static_cast<double>(*cycle.bytes);
    }
    cycle.top.push_back(std::move(s));
  }
  out.last_cycle = std::move(cycle);
  return out;
}

nlohmann::json KeyspaceJson(const KeyspaceStatus& ks) {
  nlohmann::json j{{"backoff_reason", ks.backoff_reason}};
  if (!ks.last_cycle.has_value()) return j;
  const KeyspaceCycleStatus& c = *ks.last_cycle;
  nlohmann::json cycle{{"keys", c.keys}, {"keys_without_ttl", c.keys_without_ttl}};
  if (c.seconds.has_value()) cycle["seconds"] = *c.seconds;
  if (c.bytes.has_value()) cycle["bytes"] = *c.bytes;
  nlohmann::json top = nlohmann::json::array();
  for (const PrefixStatus& p : c.top) {
    nlohmann::json prefix{
        {"prefix", p.prefix}, {"keys", p.keys}, {"keys_without_ttl", p.keys_without_ttl}};
    if (p.bytes.has_value()) prefix["bytes"] = *p.bytes;
    if (p.share.has_value()) prefix["share"] = *p.share;
    top.push_back(std::move(prefix));
  }
  cycle["top_prefixes"] = std::move(top);
  j["last_cycle"] = std::move(cycle);
  return j;
}

}  // namespace memwatch::metrics
