// The bounded, compact per-target history the trend and rate checks read.
//
// A fixed ring of at most kCapacity buckets, each `span` wide, evenly spaced
// over the retention (the longest configured window): with a 15 min window
// a bucket holds ~2 polls at 1 s polling, with 1 h about 7. A bucket keeps
// the mean used_memory, the newest counters and keyspace sums, the slowest
// probe and the count of failed polls, as small integers: 40 bytes, so
// 512 buckets take 20 KiB per target whatever the poll rate (1,000 targets:
// 20 MiB). Full Snapshots are never kept.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "memwatch/clock.h"

namespace memwatch::checks {

// One poll reduced to what trends and rates need.
struct Sample {
  MonoTime at;
  bool failed = false;
  std::chrono::microseconds probe{0};
  std::optional<int64_t> used_memory;
  std::optional<int64_t> keys;
  std::optional<int64_t> expires;
  std::optional<int64_t> evicted_keys;
  std::optional<int64_t> rejections;  // OOM errors, else rejected calls
};

struct Bucket {
  enum Flags : uint8_t { kHasKeys = 1, kHasEvicted = 2, kHasRejections = 4 };

  int64_t at_ms = 0;      // steady-clock time of the newest poll in it
  uint32_t used_kib = 0;  // mean used_memory (KiB) over used_samples polls
  uint32_t keys = 0;      // newest keyspace sums, saturating
  uint32_t expires = 0;
  uint32_t evicted = 0;       // newest counters, low 32 bits: differences of
  uint32_t rejections = 0;    //   nearby buckets still come out right
  uint32_t probe_max_us = 0;  // slowest successful probe, saturating
  uint16_t samples = 0;       // successful polls
  uint16_t used_samples = 0;  // successful polls that reported used_memory
  uint8_t failures = 0;       // failed polls, saturating
  uint8_t flags = 0;

  MonoTime at() const;
  int64_t used_bytes() const { return static_cast<int64_t>(used_kib) * 1024; }
  int64_t keys_without_ttl() const { return keys > expires ? keys - expires : 0; }
};

class History {
 public:
  static constexpr size_t kCapacity = 512;

  explicit History(Duration retention);

  // Changes the bucket span, re-bucketing what is kept (config reload).
  void SetRetention(Duration retention);

  // Samples must come in non-decreasing `at` order.
  void Add(const Sample& s);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Oldest first; i < size().
  const Bucket& operator[](size_t i) const { return ring_[(head_ + i) % kCapacity]; }
  const Bucket& newest() const { return (*this)[size_ - 1]; }
  Duration span() const { return Duration(span_ms_); }

  // Real footprint in bytes, the ring included.
  size_t Bytes() const { return sizeof(*this) + ring_.capacity() * sizeof(Bucket); }

 private:
  void Push(const Bucket& b);

  int64_t span_ms_ = 1000;
  std::vector<Bucket> ring_;  // kCapacity slots once the first sample arrives
  size_t head_ = 0;           // index of the oldest bucket
  size_t size_ = 0;
};

}  // namespace memwatch::checks
