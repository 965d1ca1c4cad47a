#include "keyspace/sampler.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keyspace/glob.h"
#include "keyspace/key_type.h"

namespace memwatch::keyspace {

Sampler::Sampler(SamplerOptions options)
    : options_(std::move(options)),
      current_(options_.table_capacity),
      seen_(options_.max_seen_keys),
      rng_(options_.seed) {
  current_.number = 1;
}

bool Sampler::WantsScan(MonoTime now) const {
  if (scan_done_ || !pending_.empty()) {
    return false;
  }
  if (!current_.started.has_value() && last_.has_value() && last_->started.has_value()) {
    return now >= *last_->started + options_.min_cycle_interval;
  }
  return true;
}

ScanRequest Sampler::NextScan() const {
  return ScanRequest{.cursor = cursor_, .count = options_.scan_count};
}

void Sampler::OnScanPage(ScanPage page, MonoTime now) {
  if (scan_done_) {
    return;
  }
  if (!current_.started.has_value()) {
    current_.started = now;
  }
  ++current_.scan_pages;
  for (std::string& key : page.keys) {
    switch (seen_.Add(key)) {
      case SeenKeys::Insert::kSeen:
        ++current_.duplicates;
        continue;
      case SeenKeys::Insert::kFull:
        ++current_.unchecked;
        break;
      case SeenKeys::Insert::kNew:
        break;
    }
    pending_.push_back(std::move(key));
  }
  cursor_ = page.next_cursor;
  scan_done_ = page.next_cursor == 0;
  MaybeFinishCycle(now);
}

bool Sampler::NextWantsMemoryUsage() {
  // splitmix64 (Steele, Lea, Flood 2014): fully specified, so a seed
  // replays the same choices on every platform, unlike std's distributions.
  rng_ += 0x9e3779b97f4a7c15ULL;
  uint64_t z = rng_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return options_.memory_usage_one_in != 0 && z % options_.memory_usage_one_in == 0;
}

std::vector<KeyRequest> Sampler::NextKeys(size_t max_keys) {
  const size_t n = std::min(max_keys, pending_.size());
  std::vector<KeyRequest> batch;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const bool memory_usage = NextWantsMemoryUsage();
    batch.push_back(KeyRequest{.key = std::move(pending_.front()), .memory_usage = memory_usage});
    pending_.pop_front();
  }
  if (!batch.empty()) {
    batches_.push_back(batch.size());
  }
  return batch;
}

void Sampler::OnKeyFacts(const std::vector<KeyFacts>& facts, MonoTime now) {
  if (batches_.empty()) {
    return;
  }
  const size_t asked = batches_.front();
  batches_.pop_front();
  current_.unanswered += asked - std::min(asked, facts.size());
  for (const KeyFacts& f : facts) {
    if (f.type == "none" || f.ttl == -2) {
      ++current_.vanished;
      continue;
    }
    current_.table.Add(FoldKey(f.key, options_.fold), f.ttl >= 0, f.bytes, KeyTypeFromName(f.type));
    CountProtected(f.key, f.ttl >= 0);
  }
  MaybeFinishCycle(now);
}

void Sampler::CountProtected(const std::string& key, bool has_ttl) {
  const auto matches = [&](const std::string& pattern) { return GlobMatch(pattern, key); };
  if (std::none_of(options_.protected_patterns.begin(), options_.protected_patterns.end(),
                   matches)) {
    return;
  }
  ProtectedSample& p = current_.protected_keys;
  ++p.sampled;
  if (has_ttl) ++p.with_ttl;
  // Keys with a TTL make better examples: they are the evictable ones.
  if (has_ttl && !p.examples_with_ttl) {
    p.examples.clear();
    p.examples_with_ttl = true;
  }
  if (has_ttl == p.examples_with_ttl && p.examples.size() < ProtectedSample::kMaxExamples) {
    p.examples.push_back(key);
  }
}

void Sampler::MaybeFinishCycle(MonoTime now) {
  if (!scan_done_ || !pending_.empty() || !batches_.empty()) {
    return;
  }
  current_.ended = now;
  const uint64_t number = current_.number;
  previous_ = std::move(last_);
  last_ = std::move(current_);
  current_ = Cycle(options_.table_capacity);
  current_.number = number + 1;
  ++cycles_completed_;
  cursor_ = 0;
  scan_done_ = false;
  seen_.Clear();
}

void Sampler::Restart() {
  const uint64_t number = current_.number;
  current_ = Cycle(options_.table_capacity);
  current_.number = number;
  cursor_ = 0;
  scan_done_ = false;
  pending_.clear();
  batches_.clear();
  seen_.Clear();
}

KeyspaceSummary Sampler::SummarizeInProgress(uint64_t total_keys, MonoTime now) const {
  return Summarize(current_, total_keys, now, static_cast<size_t>(std::max(0, options_.top)),
                   previous_complete(), last_complete());
}

std::optional<KeyspaceSummary> Sampler::SummarizeLastComplete(uint64_t total_keys) const {
  if (!last_.has_value()) {
    return std::nullopt;
  }
  return Summarize(*last_, total_keys, *last_->ended,
                   static_cast<size_t>(std::max(0, options_.top)), previous_complete(),
                   last_complete());
}

}  // namespace memwatch::keyspace
