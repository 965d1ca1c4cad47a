// Bounded aggregation of sampled keys per prefix, and the estimator that
// turns a prefix's share of the sample into a number of keys. Pure: the
// sampler feeds it FoldKey results; nothing here knows of Redis.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "keyspace/key_type.h"

namespace memwatch::keyspace {

// What the sample holds for one prefix (or for "other").
struct PrefixStats {
  std::string prefix;          // as FoldKey returned it, unescaped; empty for "other"
  uint64_t sampled = 0;        // sampled keys counted under this prefix
  uint64_t without_ttl = 0;    // of those, keys without a TTL
  uint64_t bytes_sampled = 0;  // sum of MEMORY USAGE over the keys that had one
  uint64_t bytes_samples = 0;  // how many keys that sum covers
  // Up to this many more samples of the prefix may have gone to "other"
  // before it was tracked (0 when it was tracked from its first sample): its
  // true sampled count lies in [sampled, sampled + max_missed].
  uint64_t max_missed = 0;
  // Sampled keys of each KeyType (indexed by the enum); they sum to sampled.
  std::array<uint64_t, kKeyTypeCount> by_type{};
};

enum class PrefixOrder {
  kSampled,     // by sampled count
  kBytes,       // by estimated bytes: sampled * bytes_sampled / bytes_samples
  kWithoutTtl,  // by keys without a TTL, then by sampled count
};

struct PrefixTop {
  std::vector<PrefixStats> prefixes;  // at most n, largest first
  // Every sample not in `prefixes`: the prefixes ranked below n and those the
  // table evicted. Its prefix is empty and max_missed 0. A separate field, as
  // any string (even "" or "other") is a possible prefix.
  PrefixStats other;
  uint64_t total_sampled = 0;  // every sample Add saw
};

// Counts samples per prefix in at most `capacity` entries, whatever the
// number of distinct prefixes, with the Space-Saving algorithm (Metwally,
// Agrawal, El Abbadi 2005): a new prefix arriving at a full table replaces
// the entry whose estimate (sampled + max_missed) is the smallest; the
// evicted entry's stats move into "other", and the newcomer inherits that
// estimate as its max_missed. The estimates always sum to the total, so:
//  - max_missed <= total / capacity for every entry;
//  - every prefix with more than total / capacity samples is in the table;
//  - sampled is exact for a prefix tracked since its first sample, and in
//    every case a lower bound, off by at most max_missed;
//  - sampled + without_ttl + bytes over all entries plus "other" are exact.
// Memory: `capacity` entries, each holding its prefix (FoldKey bounds those).
// Not thread-safe; each sampler owns its table.
class PrefixTable {
 public:
  explicit PrefixTable(size_t capacity);

  // Counts one sampled key of `prefix`. `bytes` is its MEMORY USAGE when the
  // sampler asked for it; a negative value counts as absent.
  void Add(std::string_view prefix, bool has_ttl, std::optional<int64_t> bytes,
           KeyType type = KeyType::kOther);

  // The stats of `prefix` while the table tracks it, else nullptr (never
  // sampled, or evicted into "other"). Valid until the next Add.
  const PrefixStats* Find(std::string_view prefix) const;

  // The n largest prefixes in `order` (ties: by prefix, byte-wise), the rest
  // summed into PrefixTop::other.
  PrefixTop Top(size_t n, PrefixOrder order = PrefixOrder::kSampled) const;

  size_t size() const { return entries_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t total_sampled() const { return total_; }

 private:
  static uint64_t EstimateOf(const PrefixStats& s) { return s.sampled + s.max_missed; }
  // The slot of `prefix`, taking over the smallest entry when the table is
  // full; nullopt only when capacity is 0.
  std::optional<size_t> SlotFor(std::string_view prefix);

  size_t capacity_;
  std::vector<PrefixStats> entries_;
  std::unordered_map<std::string, size_t> index_;      // prefix -> slot in entries_
  std::set<std::pair<uint64_t, size_t>> by_estimate_;  // (EstimateOf, slot), smallest first
  PrefixStats other_;                                  // the stats of evicted entries
  uint64_t total_ = 0;
};

// A prefix's number of keys estimated from a sample.
struct Estimate {
  uint64_t keys = 0;  // round(dbsize * sampled_in_prefix / sampled_total)
  uint64_t low = 0;   // 95 % interval, low <= keys <= high
  uint64_t high = 0;
};

// Estimates how many of `dbsize` keys belong to a prefix that holds
// sampled_in_prefix of sampled_total distinct sampled keys (a uniform sample
// without replacement, as a SCAN cycle gives). The interval is the Wilson
// score interval, the normal approximation of the binomial proportion that
// keeps its coverage near 0 and 1 (where the plain Wald interval collapses to
// a point), with z = 1.96 and the finite population correction applied as an
// effective sample size n * (N - 1) / (N - n): a sample of every key (n >= N)
// gives the exact count. Then clamped to what the sample proves: at least the keys
// seen in the prefix, at most dbsize minus the keys seen outside it.
// sampled_total == 0 gives keys 0 in [0, dbsize]; sampled_in_prefix above
// sampled_total counts as sampled_total.
Estimate EstimateKeys(uint64_t sampled_in_prefix, uint64_t sampled_total, uint64_t dbsize);

}  // namespace memwatch::keyspace
