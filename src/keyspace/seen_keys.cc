#include "keyspace/seen_keys.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace memwatch::keyspace {
namespace {

constexpr size_t kFirstSlots = 1024;

// The key's hash, never 0 (0 marks an empty slot). std::hash of a string_view
// is 64-bit murmur in libstdc++; the finalizer spreads it over the low bits
// the slot index uses.
uint64_t HashOf(std::string_view key) {
  uint64_t h = std::hash<std::string_view>{}(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}

}  // namespace

SeenKeys::SeenKeys(size_t max_keys) : max_keys_(max_keys) {}

bool SeenKeys::Contains(uint64_t hash) const {
  if (slots_.empty()) {
    return false;
  }
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i] == hash) {
      return true;
    }
    if (slots_[i] == 0) {
      return false;
    }
  }
}

void SeenKeys::Place(uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i] != 0) {
    i = (i + 1) & mask;
  }
  slots_[i] = hash;
}

void SeenKeys::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? kFirstSlots : old.size() * 2, 0);
  for (const uint64_t h : old) {
    if (h != 0) {
      Place(h);
    }
  }
}

SeenKeys::Insert SeenKeys::Add(std::string_view key) {
  const uint64_t hash = HashOf(key);
  if (Contains(hash)) {
    return Insert::kSeen;
  }
  if (size_ >= max_keys_) {
    return Insert::kFull;
  }
  if ((size_ + 1) * 2 > slots_.size()) {
    Grow();
  }
  Place(hash);
  ++size_;
  return Insert::kNew;
}

void SeenKeys::Clear() {
  std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

}  // namespace memwatch::keyspace
