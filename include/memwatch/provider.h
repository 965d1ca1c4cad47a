// Who runs a Redis: the operator (self-managed) or a managed service whose
// console, not CONFIG SET, changes its settings. A value type of its own:
// the config names it, the check engine writes fixes for it, doctor and
// metrics report it.
#pragma once

#include <optional>
#include <string_view>

namespace memwatch {

enum class Provider {
  kSelfManaged,
  kElastiCache,  // Amazon ElastiCache (and MemoryDB's Redis OSS engine)
  kAzure,        // Azure Cache for Redis
  kMemorystore,  // Google Cloud Memorystore for Redis
};

// "self-managed", "elasticache", "azure", "memorystore": the config's
// spelling and the `provider` label.
std::string_view ProviderName(Provider p);

// The inverse of ProviderName; nullopt for anything else ("auto" included:
// the caller decides what auto means).
std::optional<Provider> ParseProviderName(std::string_view name);

// "Amazon ElastiCache", "Azure Cache for Redis", ...: for prose.
std::string_view ProviderTitle(Provider p);

}  // namespace memwatch
