#include "discovery/shard.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "discovery/md5.h"

namespace memwatch::discovery {

uint64_t ShardOf(std::string_view name, uint64_t count) {
  assert(count >= 1);
  const Md5Digest digest = Md5(name);
  uint64_t value = 0;
  for (size_t i = 8; i < 16; ++i) {
    value = (value << 8) | digest[i];
  }
  return value % count;
}

}  // namespace memwatch::discovery
