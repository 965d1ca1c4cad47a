// The words shared by protected_keys_evictable and protected_key_evicted:
// the protected names in backquotes, and how to keep Redis from evicting
// them under each policy. Pure; the names are already escaped
// (memwatch/key_families.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memwatch/provider.h"

namespace memwatch::checks {

// "`session:*`, `lock:*`".
std::string QuotedNames(const std::vector<std::string>& names);

// How to keep protected keys from being evicted under `policy`: for an
// allkeys-* policy the volatile-* one with the same algorithm and no TTL
// on the protected keys, for a volatile-* policy no TTL on them; always
// also a separate Redis with noeviction. Managed services get their own
// wording (ConfigFixClause).
std::string ProtectedKeysFix(std::string_view policy, Provider provider);

}  // namespace memwatch::checks
