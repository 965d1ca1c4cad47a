#include "keyspace/summary.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keyspace/cycle.h"
#include "keyspace/key_type.h"
#include "keyspace/prefix_table.h"

namespace memwatch::keyspace {
namespace {

CountEstimate ToCountEstimate(const Estimate& e) {
  return CountEstimate{.value = e.keys, .low = e.low, .high = e.high};
}

std::optional<double> MeanBytes(const PrefixStats& s) {
  if (s.bytes_samples == 0) {
    return std::nullopt;
  }
  return static_cast<double>(s.bytes_sampled) / static_cast<double>(s.bytes_samples);
}

std::string DominantType(const PrefixStats& s) {
  size_t best = 0;
  for (size_t i = 1; i < s.by_type.size(); ++i) {
    if (s.by_type.at(i) > s.by_type.at(best)) {
      best = i;
    }
  }
  if (s.by_type.at(best) == 0) {
    return "";
  }
  return std::string{KeyTypeName(static_cast<KeyType>(best))};
}

void AddStats(PrefixStats& sum, const PrefixStats& s) {
  sum.sampled += s.sampled;
  sum.without_ttl += s.without_ttl;
  if (__builtin_add_overflow(sum.bytes_sampled, s.bytes_sampled, &sum.bytes_sampled)) {
    sum.bytes_sampled = UINT64_MAX;
  }
  sum.bytes_samples += s.bytes_samples;
  for (size_t i = 0; i < sum.by_type.size(); ++i) {
    sum.by_type.at(i) += s.by_type.at(i);
  }
}

// Growth per hour of one prefix between two complete cycles.
struct Growth {
  std::optional<double> keys;
  std::optional<double> keys_without_ttl;
  std::optional<double> bytes;
};

Growth GrowthOf(const std::string& prefix, const Cycle* earlier, const Cycle* later) {
  if (earlier == nullptr || later == nullptr || !earlier->ended.has_value() ||
      !later->ended.has_value()) {
    return {};
  }
  const double hours =
      std::chrono::duration<double, std::ratio<3600>>(*later->ended - *earlier->ended).count();
  const PrefixStats* e = earlier->table.Find(prefix);
  const PrefixStats* l = later->table.Find(prefix);
  if (!(hours > 0) || e == nullptr || l == nullptr) {
    return {};
  }
  auto per_hour = [hours](double from, double to) { return (to - from) / hours; };
  Growth g;
  g.keys = per_hour(static_cast<double>(e->sampled), static_cast<double>(l->sampled));
  g.keys_without_ttl =
      per_hour(static_cast<double>(e->without_ttl), static_cast<double>(l->without_ttl));
  const std::optional<double> e_mean = MeanBytes(*e);
  const std::optional<double> l_mean = MeanBytes(*l);
  if (e_mean.has_value() && l_mean.has_value()) {
    g.bytes = per_hour(*e_mean * static_cast<double>(e->sampled),
                       *l_mean * static_cast<double>(l->sampled));
  }
  return g;
}

struct Context {
  const Cycle& cycle;
  uint64_t total_keys;
  const Cycle* earlier;
  const Cycle* later;
};

PrefixSummary SummaryOf(const PrefixStats& s, bool other, const Context& c) {
  const uint64_t n = c.cycle.sampled();
  PrefixSummary p;
  p.other = other;
  if (!other) {
    p.prefix = s.prefix;
  }
  p.sampled = s.sampled;
  p.keys = ToCountEstimate(EstimateKeys(s.sampled, n, c.total_keys));
  p.keys_without_ttl = ToCountEstimate(EstimateKeys(s.without_ttl, n, c.total_keys));
  p.bytes_samples = s.bytes_samples;
  if (const std::optional<double> mean = MeanBytes(s); mean.has_value()) {
    const double bytes = std::round(*mean * static_cast<double>(p.keys.value));
    p.bytes = bytes >= 18446744073709551616.0  // 2^64: a cast would be undefined
                  ? UINT64_MAX
                  : static_cast<uint64_t>(bytes);
  }
  p.share =
      c.total_keys == 0 ? 0 : static_cast<double>(p.keys.value) / static_cast<double>(c.total_keys);
  p.dominant_type = DominantType(s);
  if (!other) {
    const Growth g = GrowthOf(s.prefix, c.earlier, c.later);
    p.keys_growth_per_hour = g.keys;
    p.bytes_growth_per_hour = g.bytes;
    p.keys_without_ttl_growth_per_hour = g.keys_without_ttl;
  }
  return p;
}

}  // namespace

KeyspaceSummary Summarize(const Cycle& cycle, uint64_t total_keys, MonoTime now, size_t top,
                          const Cycle* earlier, const Cycle* later) {
  const Context c{.cycle = cycle, .total_keys = total_keys, .earlier = earlier, .later = later};
  KeyspaceSummary summary;
  summary.total_keys = total_keys;
  summary.sampled_keys = cycle.sampled();
  summary.complete = cycle.complete();
  if (cycle.started.has_value()) {
    const MonoTime end = cycle.ended.value_or(now);
    summary.seconds = std::max(0.0, std::chrono::duration<double>(end - *cycle.started).count());
  }

  // PrefixOrder::kBytes ranks by sampled count where no key has a MEMORY
  // USAGE sample (every estimate is 0 then), as summary.by_bytes promises.
  const PrefixTop by_bytes = cycle.table.Top(top, PrefixOrder::kBytes);
  for (const PrefixStats& s : by_bytes.prefixes) {
    summary.by_bytes.push_back(SummaryOf(s, false, c));
  }
  if (by_bytes.other.sampled > 0) {
    summary.by_bytes.push_back(SummaryOf(by_bytes.other, true, c));
  }

  const PrefixTop by_no_ttl = cycle.table.Top(top, PrefixOrder::kWithoutTtl);
  PrefixStats other = by_no_ttl.other;
  for (const PrefixStats& s : by_no_ttl.prefixes) {
    if (s.without_ttl > 0) {
      summary.by_no_ttl.push_back(SummaryOf(s, false, c));
    } else {
      AddStats(other, s);
    }
  }
  if (other.sampled > 0) {
    summary.by_no_ttl.push_back(SummaryOf(other, true, c));
  }
  return summary;
}

std::vector<PrefixSummary> GrowingWithoutTtl(const KeyspaceSummary& summary,
                                             double min_keys_per_hour) {
  std::vector<PrefixSummary> growing;
  for (const PrefixSummary& p : summary.by_no_ttl) {
    const std::optional<double>& rate = p.keys_without_ttl_growth_per_hour;
    if (!p.other && rate.has_value() && *rate > 0 && *rate >= min_keys_per_hour) {
      growing.push_back(p);
    }
  }
  std::stable_sort(
      growing.begin(), growing.end(), [](const PrefixSummary& a, const PrefixSummary& b) {
        return *a.keys_without_ttl_growth_per_hour > *b.keys_without_ttl_growth_per_hour;
      });
  return growing;
}

}  // namespace memwatch::keyspace
