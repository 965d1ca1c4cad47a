// The Redis value types a sampled key can have (the TYPE reply), as a small
// enum so each prefix can count them in a fixed array.
#pragma once

#include <cstddef>
#include <string_view>

namespace memwatch::keyspace {

enum class KeyType : unsigned char {
  kString,
  kList,
  kSet,
  kZset,
  kHash,
  kStream,
  kOther,  // a module's type ("ReJSON-RL", ...) or any reply not above
};

inline constexpr size_t kKeyTypeCount = 7;

// Returns the KeyType of a TYPE reply; "none" (a vanished key) and anything
// unknown give kOther, so check for "none" before.
KeyType KeyTypeFromName(std::string_view type);

// Returns "string", "list", "set", "zset", "hash", "stream" or "other".
std::string_view KeyTypeName(KeyType type);

}  // namespace memwatch::keyspace
