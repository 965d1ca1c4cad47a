#include "metrics/target_status.h"

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

namespace memwatch::metrics {
namespace {

// Lower is more urgent.
int Rank(const TargetStatus& t) {
  if (!t.polled) return 5;
  if (!t.up) return 0;
  int worst = -1;
  for (const Finding& f : t.findings) worst = std::max(worst, static_cast<int>(f.severity));
  // critical 2 -> 1, warning 1 -> 2, info 0 -> 3, none -> 4
  return worst < 0 ? 4 : 3 - worst;
}

// True iff `a` comes before `b` among the top prefixes: more bytes (a
// prefix without bytes counts as 0), then more keys, then by name.
bool BeforeInTop(const KeyspacePrefixValues* a, const KeyspacePrefixValues* b) {
  return std::tuple(b->bytes.value_or(0), b->keys, a->prefix) <
         std::tuple(a->bytes.value_or(0), a->keys, b->prefix);
}

}  // namespace

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

void SortByUrgency(std::vector<TargetStatus>* targets) {
  std::stable_sort(targets->begin(), targets->end(), [](const auto& a, const auto& b) {
    return std::tuple(Rank(a), a.name) < std::tuple(Rank(b), b.name);
  });
}

}  // namespace memwatch::metrics
