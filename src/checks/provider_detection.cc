#include "checks/provider_detection.h"

#include <string_view>

namespace memwatch::checks {
namespace {

// MemoryDB is run, and configured, the way ElastiCache is (parameter groups).
constexpr std::string_view kAmazonPrefixes[] = {"Amazon ElastiCache", "Amazon MemoryDB"};

}  // namespace

std::optional<Provider> ProviderFromInfo(const Snapshot& s) {
  if (!s.os.has_value()) return std::nullopt;
  for (std::string_view prefix : kAmazonPrefixes) {
    if (s.os->starts_with(prefix)) return Provider::kElastiCache;
  }
  return std::nullopt;
}

Provider ResolveProvider(std::optional<Provider> configured, const Snapshot* s) {
  if (configured.has_value()) return *configured;
  if (s != nullptr) {
    if (std::optional<Provider> seen = ProviderFromInfo(*s)) return *seen;
  }
  return Provider::kSelfManaged;
}

}  // namespace memwatch::checks
