#include "keyspace/key_type.h"

#include <array>
#include <cstddef>
#include <string_view>

namespace memwatch::keyspace {
namespace {

constexpr std::array<std::string_view, kKeyTypeCount> kNames = {
    "string", "list", "set", "zset", "hash", "stream", "other",
};

}  // namespace

KeyType KeyTypeFromName(std::string_view type) {
  for (size_t i = 0; i + 1 < kNames.size(); ++i) {
    if (type == kNames[i]) {
      return static_cast<KeyType>(i);
    }
  }
  return KeyType::kOther;
}

std::string_view KeyTypeName(KeyType type) {
  const auto i = static_cast<size_t>(type);
  return i < kNames.size() ? kNames[i] : kNames.back();
}

}  // namespace memwatch::keyspace
