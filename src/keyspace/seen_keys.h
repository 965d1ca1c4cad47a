// The keys a SCAN cycle has already returned, as 64-bit hashes in a bounded
// open-addressing set, so a key SCAN returns twice in one cycle (it does
// when Redis resizes its hash table mid-cycle) is counted once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace memwatch::keyspace {

class SeenKeys {
 public:
  // Remembers at most `max_keys` keys. Memory: 8 bytes per slot, at most
  // twice as many slots as keys (load <= 1/2), grown by doubling as keys
  // come: 16 MiB at 1,048,576 keys.
  explicit SeenKeys(size_t max_keys);

  enum class Insert {
    kNew,   // not seen before in this cycle; now remembered
    kSeen,  // seen before (or a key with the same 64-bit hash: about
            // n^2 / 2^65 for n keys, 3e-8 at a million)
    kFull,  // not seen among the keys remembered, but the set is full: the
            // key may still be a duplicate
  };
  Insert Add(std::string_view key);

  // Forgets every key, keeping the memory for the next cycle.
  void Clear();

  size_t size() const { return size_; }
  size_t max_keys() const { return max_keys_; }

 private:
  bool Contains(uint64_t hash) const;
  void Place(uint64_t hash);
  void Grow();

  size_t max_keys_;
  std::vector<uint64_t> slots_;  // 0 = empty; a power of two in size
  size_t size_ = 0;
};

}  // namespace memwatch::keyspace
