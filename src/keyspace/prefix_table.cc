#include "keyspace/prefix_table.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memwatch::keyspace {
namespace {

uint64_t SaturatingAddU(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<uint64_t>::max() : sum;
}

void Count(PrefixStats& s, bool has_ttl, std::optional<int64_t> bytes, KeyType type) {
  ++s.sampled;
  ++s.by_type.at(static_cast<size_t>(type));
  if (!has_ttl) {
    ++s.without_ttl;
  }
  if (bytes.has_value() && *bytes >= 0) {
    s.bytes_sampled = SaturatingAddU(s.bytes_sampled, static_cast<uint64_t>(*bytes));
    ++s.bytes_samples;
  }
}

void AddInto(PrefixStats& sum, const PrefixStats& s) {
  sum.sampled += s.sampled;
  sum.without_ttl += s.without_ttl;
  sum.bytes_sampled = SaturatingAddU(sum.bytes_sampled, s.bytes_sampled);
  sum.bytes_samples += s.bytes_samples;
  for (size_t i = 0; i < sum.by_type.size(); ++i) {
    sum.by_type.at(i) += s.by_type.at(i);
  }
}

double EstimatedBytes(const PrefixStats& s) {
  if (s.bytes_samples == 0) {
    return 0;
  }
  return static_cast<double>(s.bytes_sampled) / static_cast<double>(s.bytes_samples) *
         static_cast<double>(s.sampled);
}

// True iff a ranks before b: larger first, then by prefix.
bool RanksBefore(const PrefixStats& a, const PrefixStats& b, PrefixOrder order) {
  if (order == PrefixOrder::kBytes) {
    const double a_bytes = EstimatedBytes(a);
    const double b_bytes = EstimatedBytes(b);
    if (a_bytes != b_bytes) {
      return a_bytes > b_bytes;
    }
  }
  if (order == PrefixOrder::kWithoutTtl && a.without_ttl != b.without_ttl) {
    return a.without_ttl > b.without_ttl;
  }
  if (a.sampled != b.sampled) {
    return a.sampled > b.sampled;
  }
  return a.prefix < b.prefix;
}

// A whole number r clamped to [0, UINT64_MAX] (a cast of a double at or
// above 2^64 would be undefined).
uint64_t ToCount(double r) {
  if (!(r > 0)) {
    return 0;
  }
  if (r >= 18446744073709551616.0) {  // 2^64
    return std::numeric_limits<uint64_t>::max();
  }
  return static_cast<uint64_t>(r);
}

// The 95 % Wilson score interval of a proportion p seen in n_eff samples.
std::pair<double, double> WilsonInterval(double p, double n_eff) {
  constexpr double kZ = 1.96;
  const double z2n = kZ * kZ / n_eff;
  const double center = (p + z2n / 2) / (1 + z2n);
  const double half = kZ / (1 + z2n) * std::sqrt(p * (1 - p) / n_eff + z2n / (4 * n_eff));
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

}  // namespace

PrefixTable::PrefixTable(size_t capacity) : capacity_(capacity) {
  entries_.reserve(std::min<size_t>(capacity, 4096));
}

std::optional<size_t> PrefixTable::SlotFor(std::string_view prefix) {
  std::string key{prefix};
  if (const auto it = index_.find(key); it != index_.end()) {
    return it->second;
  }
  if (entries_.size() < capacity_) {
    const size_t slot = entries_.size();
    entries_.push_back(PrefixStats{.prefix = key});
    index_.emplace(std::move(key), slot);
    by_estimate_.emplace(0, slot);
    return slot;
  }
  if (capacity_ == 0) {
    return std::nullopt;
  }
  const auto smallest = by_estimate_.begin();
  const auto [estimate, slot] = *smallest;
  by_estimate_.erase(smallest);
  PrefixStats& victim = entries_[slot];
  AddInto(other_, victim);
  index_.erase(victim.prefix);
  victim = PrefixStats{.prefix = key, .max_missed = estimate};
  index_.emplace(std::move(key), slot);
  by_estimate_.emplace(estimate, slot);
  return slot;
}

void PrefixTable::Add(std::string_view prefix, bool has_ttl, std::optional<int64_t> bytes,
                      KeyType type) {
  ++total_;
  const std::optional<size_t> slot = SlotFor(prefix);
  if (!slot.has_value()) {
    Count(other_, has_ttl, bytes, type);
    return;
  }
  PrefixStats& s = entries_[*slot];
  by_estimate_.erase({EstimateOf(s), *slot});
  Count(s, has_ttl, bytes, type);
  by_estimate_.emplace(EstimateOf(s), *slot);
}

const PrefixStats* PrefixTable::Find(std::string_view prefix) const {
  const auto it = index_.find(std::string{prefix});
  return it == index_.end() ? nullptr : &entries_[it->second];
}

PrefixTop PrefixTable::Top(size_t n, PrefixOrder order) const {
  std::vector<const PrefixStats*> ranked;
  ranked.reserve(entries_.size());
  for (const PrefixStats& s : entries_) {
    ranked.push_back(&s);
  }
  const size_t shown = std::min(n, ranked.size());
  std::partial_sort(
      ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
      [order](const PrefixStats* a, const PrefixStats* b) { return RanksBefore(*a, *b, order); });
  PrefixTop top;
  top.total_sampled = total_;
  top.other = other_;
  top.prefixes.reserve(shown);
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (i < shown) {
      top.prefixes.push_back(*ranked[i]);
    } else {
      AddInto(top.other, *ranked[i]);
    }
  }
  return top;
}

Estimate EstimateKeys(uint64_t sampled_in_prefix, uint64_t sampled_total, uint64_t dbsize) {
  if (sampled_total == 0) {
    return Estimate{.keys = 0, .low = 0, .high = dbsize};
  }
  const uint64_t x = std::min(sampled_in_prefix, sampled_total);
  const auto n = static_cast<double>(sampled_total);
  const auto big_n = static_cast<double>(dbsize);
  const double p = static_cast<double>(x) / n;
  Estimate e;
  e.keys = ToCount(std::round(p * big_n));
  if (sampled_total >= dbsize) {
    // Every key was sampled (or DBSIZE shrank under the sample): no
    // sampling error is left to state.
    e.low = e.keys;
    e.high = e.keys;
    return e;
  }
  const auto [low_p, high_p] = WilsonInterval(p, n * (big_n - 1) / (big_n - n));
  e.low = std::min(std::max(ToCount(std::floor(low_p * big_n)), x), e.keys);
  e.high =
      std::max(std::min(ToCount(std::ceil(high_p * big_n)), dbsize - (sampled_total - x)), e.keys);
  return e;
}

}  // namespace memwatch::keyspace
