#include "checks/history.h"

#include <algorithm>
#include <cmath>

#include "memwatch/saturating.h"

namespace memwatch::checks {
namespace {

constexpr int64_t kMinSpanMs = 100;

int64_t ToMs(MonoTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The span that fits `retention` into kCapacity buckets.
int64_t SpanFor(Duration retention) {
  const int64_t ms = std::max<int64_t>(retention.count(), 1);
  const int64_t cap = static_cast<int64_t>(History::kCapacity);
  return std::max(kMinSpanMs, (ms + cap - 1) / cap);
}

Bucket FromSample(const Sample& s) {
  Bucket b;
  b.at_ms = ToMs(s.at);
  if (s.failed) {
    b.failures = 1;
    return b;
  }
  b.samples = 1;
  b.probe_max_us = SaturatingCast<uint32_t>(s.probe.count());
  if (s.used_memory.has_value()) {
    // Rounded to the nearest KiB without overflowing near INT64_MAX.
    b.used_kib =
        SaturatingCast<uint32_t>(*s.used_memory / 1024 + (*s.used_memory % 1024 + 512) / 1024);
    b.used_samples = 1;
  }
  if (s.keys.has_value() && s.expires.has_value()) {
    b.keys = SaturatingCast<uint32_t>(*s.keys);
    b.expires = SaturatingCast<uint32_t>(*s.expires);
    b.flags |= Bucket::kHasKeys;
  }
  if (s.evicted_keys.has_value()) {
    b.evicted = static_cast<uint32_t>(*s.evicted_keys);  // low 32 bits on purpose
    b.flags |= Bucket::kHasEvicted;
  }
  if (s.rejections.has_value()) {
    b.rejections = static_cast<uint32_t>(*s.rejections);
    b.flags |= Bucket::kHasRejections;
  }
  return b;
}

// Folds `src` (the newer) into `dst`.
void Merge(Bucket& dst, const Bucket& src) {
  const int64_t n = int64_t{dst.used_samples} + src.used_samples;
  if (n > 0) {
    const double sum = static_cast<double>(dst.used_kib) * dst.used_samples +
                       static_cast<double>(src.used_kib) * src.used_samples;
    dst.used_kib = SaturatingCast<uint32_t>(std::llround(sum / static_cast<double>(n)));
  }
  dst.used_samples = SaturatingCast<uint16_t>(n);
  dst.samples = SaturatingCast<uint16_t>(int64_t{dst.samples} + src.samples);
  dst.failures = SaturatingCast<uint8_t>(int64_t{dst.failures} + src.failures);
  dst.probe_max_us = std::max(dst.probe_max_us, src.probe_max_us);
  if (src.flags & Bucket::kHasKeys) {
    dst.keys = src.keys;
    dst.expires = src.expires;
  }
  if (src.flags & Bucket::kHasEvicted) dst.evicted = src.evicted;
  if (src.flags & Bucket::kHasRejections) dst.rejections = src.rejections;
  dst.flags |= src.flags;
  dst.at_ms = std::max(dst.at_ms, src.at_ms);
}

}  // namespace

MonoTime Bucket::at() const { return MonoTime(std::chrono::milliseconds(at_ms)); }

History::History(Duration retention) : span_ms_(SpanFor(retention)) {}

void History::SetRetention(Duration retention) {
  const int64_t span = SpanFor(retention);
  if (span == span_ms_) return;
  std::vector<Bucket> old;
  old.reserve(size_);
  for (size_t i = 0; i < size_; ++i) old.push_back((*this)[i]);
  span_ms_ = span;
  head_ = 0;
  size_ = 0;
  for (const Bucket& b : old) {
    if (size_ > 0 && FloorDiv(newest().at_ms, span_ms_) == FloorDiv(b.at_ms, span_ms_)) {
      Merge(ring_[(head_ + size_ - 1) % kCapacity], b);
    } else {
      Push(b);
    }
  }
}

void History::Add(const Sample& s) {
  const Bucket b = FromSample(s);
  if (size_ > 0 && FloorDiv(newest().at_ms, span_ms_) == FloorDiv(b.at_ms, span_ms_)) {
    Merge(ring_[(head_ + size_ - 1) % kCapacity], b);
    return;
  }
  Push(b);
}

void History::Push(const Bucket& b) {
  if (ring_.empty()) ring_.resize(kCapacity);  // one allocation, for good
  if (size_ < kCapacity) {
    ring_[(head_ + size_) % kCapacity] = b;
    ++size_;
    return;
  }
  ring_[head_] = b;  // overwrite the oldest
  head_ = (head_ + 1) % kCapacity;
}

}  // namespace memwatch::checks
