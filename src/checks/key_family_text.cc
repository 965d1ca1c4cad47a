#include "checks/key_family_text.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "checks/format.h"

namespace memwatch::checks {
namespace {

std::string Quoted(const KeyFamily& k) { return "`" + k.prefix + "`"; }

int64_t Rounded(double v) { return std::llround(v); }

// "360 keys an hour", "6 keys a minute" for rates as people say them.
std::string KeysPerHour(double per_hour) {
  if (per_hour >= 3600 * 2) return fmt::format("{} keys a second", FormatNumber(per_hour / 3600));
  if (per_hour >= 60 * 2) return fmt::format("{} keys an hour", FormatCount(Rounded(per_hour)));
  return fmt::format("{} keys an hour", FormatNumber(per_hour));
}

std::optional<double> BytesGrowthWithoutTtl(const KeyFamily& k) {
  if (k.bytes_growth_per_hour.has_value() && *k.bytes_growth_per_hour > 0) {
    return k.bytes_growth_per_hour;
  }
  if (!k.keys_without_ttl_growth_per_hour.has_value() || !k.bytes.has_value() || k.keys == 0) {
    return std::nullopt;
  }
  return *k.keys_without_ttl_growth_per_hour * static_cast<double>(*k.bytes) /
         static_cast<double>(k.keys);
}

}  // namespace

std::vector<const KeyFamily*> GrowingWithoutTtl(const KeyFamilies& f) {
  std::vector<const KeyFamily*> out;
  for (const KeyFamily& k : f.by_no_ttl) {
    if (k.keys_without_ttl_growth_per_hour.value_or(0) > 0) out.push_back(&k);
  }
  std::stable_sort(out.begin(), out.end(), [](const KeyFamily* a, const KeyFamily* b) {
    return *a->keys_without_ttl_growth_per_hour > *b->keys_without_ttl_growth_per_hour;
  });
  if (out.size() > kNamedFamilies) out.resize(kNamedFamilies);
  return out;
}

std::vector<const KeyFamily*> MostWithoutTtl(const KeyFamilies& f) {
  std::vector<const KeyFamily*> out;
  for (const KeyFamily& k : f.by_no_ttl) {
    if (k.keys_without_ttl > 0 && out.size() < kNamedFamilies) out.push_back(&k);
  }
  return out;
}

std::string DescribeGrowth(const KeyFamily& k) {
  const double per_hour = k.keys_without_ttl_growth_per_hour.value_or(0);
  std::string ttl =
      k.keys_without_ttl >= k.keys
          ? "none with a TTL"
          : fmt::format("{} of them without a TTL",
                        FormatPercent(static_cast<double>(k.keys_without_ttl) /
                                      static_cast<double>(std::max<uint64_t>(k.keys, 1))));
  std::string text =
      fmt::format("{} grows by {}, {}", Quoted(k), KeysPerHour(per_hour), std::move(ttl));
  if (std::optional<double> bytes = BytesGrowthWithoutTtl(k); bytes.has_value() && *bytes > 0) {
    text += fmt::format(", about {} an hour", FormatBytes(Rounded(*bytes)));
  }
  return text;
}

std::string DescribeWithoutTtl(const KeyFamily& k) {
  return fmt::format("{} holds about {} keys without a TTL ({} of all keys)", Quoted(k),
                     FormatCount(static_cast<int64_t>(k.keys_without_ttl)),
                     FormatPercent(k.share * static_cast<double>(k.keys_without_ttl) /
                                   static_cast<double>(std::max<uint64_t>(k.keys, 1))));
}

std::string DescribeHeaviest(const KeyFamilies& f) {
  std::string text;
  size_t n = 0;
  for (const KeyFamily& k : f.by_bytes) {
    if (n++ == kNamedFamilies) break;
    if (!text.empty()) text += ", ";
    if (k.bytes.has_value()) {
      text += fmt::format("{} about {} ({} of keys)", Quoted(k),
                          FormatBytes(static_cast<int64_t>(*k.bytes)), FormatPercent(k.share));
    } else {
      text += fmt::format("{} about {} keys ({})", Quoted(k),
                          FormatCount(static_cast<int64_t>(k.keys)), FormatPercent(k.share));
    }
  }
  return text;
}

std::string DescribeFastestGrowing(const KeyFamilies& f) {
  std::vector<const KeyFamily*> growing;
  for (const KeyFamily& k : f.by_bytes) {
    if (k.bytes_growth_per_hour.value_or(0) > 0 || k.keys_growth_per_hour.value_or(0) > 0) {
      growing.push_back(&k);
    }
  }
  // By bytes where known (a family with bytes growth ranks above one with
  // only keys), then by keys.
  std::stable_sort(growing.begin(), growing.end(), [](const KeyFamily* a, const KeyFamily* b) {
    const double ab = a->bytes_growth_per_hour.value_or(-1);
    const double bb = b->bytes_growth_per_hour.value_or(-1);
    if (ab != bb) return ab > bb;
    return a->keys_growth_per_hour.value_or(0) > b->keys_growth_per_hour.value_or(0);
  });
  std::string text;
  for (size_t i = 0; i < growing.size() && i < kNamedFamilies; ++i) {
    const KeyFamily& k = *growing[i];
    if (!text.empty()) text += ", ";
    text += Quoted(k);
    if (k.bytes_growth_per_hour.value_or(0) > 0) {
      text += fmt::format(" +{}/h", FormatBytes(Rounded(*k.bytes_growth_per_hour)));
    }
    if (k.keys_growth_per_hour.value_or(0) > 0) {
      text += fmt::format(" (+{} keys/h)", FormatCount(Rounded(*k.keys_growth_per_hour)));
    }
  }
  return text;
}

std::string DescribeSample(const KeyFamilies& f) {
  return fmt::format(
      "{} of {} keys sampled, {} cycle{}", FormatCount(static_cast<int64_t>(f.sampled_keys)),
      FormatCount(static_cast<int64_t>(f.total_keys)), f.complete ? "full SCAN" : "partial SCAN",
      f.sampled_on.empty() ? "" : ", on replica " + f.sampled_on);
}

void AppendHeaviest(const KeyFamilies* f, std::string* summary) {
  if (f == nullptr) return;
  const std::string heaviest = DescribeHeaviest(*f);
  if (!heaviest.empty()) *summary += "; largest key prefixes: " + heaviest;
}

void AppendFastestGrowing(const KeyFamilies* f, std::string* summary) {
  if (f == nullptr) return;
  const std::string growing = DescribeFastestGrowing(*f);
  if (growing.empty()) {
    AppendHeaviest(f, summary);
  } else {
    *summary += "; growing fastest: " + growing;
  }
}

void AppendWeightAndGrowthEvidence(const KeyFamilies* f, std::vector<Evidence>* evidence) {
  if (f == nullptr) return;
  const std::string heaviest = DescribeHeaviest(*f);
  if (heaviest.empty()) return;
  evidence->push_back({"largest key prefixes", heaviest});
  const std::string growing = DescribeFastestGrowing(*f);
  if (!growing.empty()) evidence->push_back({"key prefixes growing fastest", growing});
  evidence->push_back({"keyspace sample", DescribeSample(*f)});
}

}  // namespace memwatch::checks
