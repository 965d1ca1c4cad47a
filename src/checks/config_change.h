// One change to Redis's configuration as a fix proposes it, and the size
// spelling redis.conf reads. Rendered for self-managed Redis by
// RenderConfigFix (fix_advice.h) and for managed services by
// RenderManagedFix (managed_fix.h). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memwatch::checks {

// One redis.conf directive and its value: {"maxmemory", "3gb", 3 GiB}.
struct ConfigChange {
  std::string directive;
  std::string value;             // as redis.conf and CONFIG SET read it
  std::optional<int64_t> bytes;  // the value as a byte count, for sizes
};

// What a cache that must not refuse writes wants.
inline ConfigChange AllkeysLruChange() { return {"maxmemory-policy", "allkeys-lru", std::nullopt}; }

// A size directive: {"maxmemory", RedisSizeArg(bytes), bytes}.
ConfigChange SizeChange(std::string directive, int64_t bytes);

// A byte count in the units redis.conf reads: "3gb" (3 GiB), "3686mb",
// "512kb", else plain bytes. Redis's "gb" is 1024^3, unlike "g".
std::string RedisSizeArg(int64_t bytes);

// The inverse of RedisSizeArg; nullopt for anything it does not write.
std::optional<int64_t> ParseRedisSizeArg(std::string_view text);

}  // namespace memwatch::checks
