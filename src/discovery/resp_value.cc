#include "discovery/resp_value.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace memwatch::discovery {

std::string Describe(const RespValue& value) {
  switch (value.type) {
    case RespValue::Type::kString:
      return "a string";
    case RespValue::Type::kInteger:
      return "an integer";
    case RespValue::Type::kArray:
      return "an array";
    case RespValue::Type::kNil:
      return "nil";
    case RespValue::Type::kError:
      return "an error reply (\"" + value.text.substr(0, 80) + "\")";
  }
  return "an unknown value";
}

const RespValue* FindField(const RespValue& map, std::string_view key) {
  if (map.type != RespValue::Type::kArray) {
    return nullptr;
  }
  for (size_t i = 0; i + 1 < map.elements.size(); i += 2) {
    const RespValue& k = map.elements[i];
    if (k.type == RespValue::Type::kString && k.text == key) {
      return &map.elements[i + 1];
    }
  }
  return nullptr;
}

}  // namespace memwatch::discovery
