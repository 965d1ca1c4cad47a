#include "memwatch/provider.h"

#include <array>
#include <utility>

namespace memwatch {
namespace {

constexpr std::array<Provider, 4> kProviders = {Provider::kSelfManaged, Provider::kElastiCache,
                                                Provider::kAzure, Provider::kMemorystore};

}  // namespace

std::string_view ProviderName(Provider p) {
  switch (p) {
    case Provider::kSelfManaged:
      return "self-managed";
    case Provider::kElastiCache:
      return "elasticache";
    case Provider::kAzure:
      return "azure";
    case Provider::kMemorystore:
      return "memorystore";
  }
  return "unknown";  // Unreachable for valid enum values.
}

std::optional<Provider> ParseProviderName(std::string_view name) {
  for (Provider p : kProviders) {
    if (ProviderName(p) == name) return p;
  }
  return std::nullopt;
}

std::string_view ProviderTitle(Provider p) {
  switch (p) {
    case Provider::kSelfManaged:
      return "self-managed Redis";
    case Provider::kElastiCache:
      return "Amazon ElastiCache";
    case Provider::kAzure:
      return "Azure Cache for Redis";
    case Provider::kMemorystore:
      return "Google Cloud Memorystore";
  }
  return "unknown";  // Unreachable for valid enum values.
}

}  // namespace memwatch
