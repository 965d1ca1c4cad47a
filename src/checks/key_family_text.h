// The sentences and evidence that name the key families (prefixes) behind
// a finding, from what the keyspace sampler last found
// (memwatch/key_families.h): which prefix grows without a TTL, which
// weigh most, which cannot be evicted. Pure; every name in KeyFamilies is
// already escaped, and is shown in backquotes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/finding.h"
#include "memwatch/key_families.h"

namespace memwatch::checks {

// At most this many families are named in a finding.
inline constexpr size_t kNamedFamilies = 3;

// The families whose keys without TTL grew between the last two complete
// cycles, fastest first (at most kNamedFamilies).
std::vector<const KeyFamily*> GrowingWithoutTtl(const KeyFamilies& f);

// The families holding the most keys without a TTL (at most
// kNamedFamilies, only those with any).
std::vector<const KeyFamily*> MostWithoutTtl(const KeyFamilies& f);

// "`coupon:gen:*` grows by 360 keys an hour, none with a TTL, about
// 1.2 MiB an hour"; without growth figures, "`coupon:gen:*` holds about
// 50,000 keys without a TTL (20% of all keys)".
std::string DescribeGrowth(const KeyFamily& k);
std::string DescribeWithoutTtl(const KeyFamily& k);

// "`cache:user:*` about 1.2 GiB (61% of keys), `coupon:gen:*` ...": the
// heaviest families by estimated bytes (by keys without MEMORY USAGE).
std::string DescribeHeaviest(const KeyFamilies& f);

// "`coupon:gen:*` +1.2 MiB/h (+360 keys/h)": the families growing fastest
// in bytes (else keys); empty when no growth is known.
std::string DescribeFastestGrowing(const KeyFamilies& f);

// "sampled 2,000 of 250,000 keys, full cycle" or "..., partial cycle": the
// sample behind the figures, for the evidence.
std::string DescribeSample(const KeyFamilies& f);

// For memory_high: appends "; largest key prefixes: ..." to `summary`.
// For time_to_full: "; growing fastest: ..." (the heaviest when no growth
// is known yet). Nothing with `f` null or without families.
void AppendHeaviest(const KeyFamilies* f, std::string* summary);
void AppendFastestGrowing(const KeyFamilies* f, std::string* summary);
// Both, as evidence, with the sample behind them.
void AppendWeightAndGrowthEvidence(const KeyFamilies* f, std::vector<Evidence>* evidence);

// Appends {"key prefixes ...", ...} evidence naming `families` with
// `describe`, and the sample behind them; nothing when `families` is
// empty.
template <typename Describe>
void AppendFamilyEvidence(const std::string& name, const std::vector<const KeyFamily*>& families,
                          const KeyFamilies& all, Describe describe,
                          std::vector<Evidence>* evidence) {
  if (families.empty()) return;
  std::string text;
  for (const KeyFamily* k : families) {
    if (!text.empty()) text += "; ";
    text += describe(*k);
  }
  evidence->push_back({name, std::move(text)});
  evidence->push_back({"keyspace sample", DescribeSample(all)});
}

}  // namespace memwatch::checks
