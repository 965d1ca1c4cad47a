#include "checks/protected_keys_fix.h"

#include <fmt/format.h>

#include "checks/config_change.h"
#include "checks/fix_advice.h"
#include "checks/snapshot_facts.h"

namespace memwatch::checks {
namespace {

// The volatile-* policy with the same algorithm (allkeys-* has no ttl one).
std::string VolatilePolicyFor(std::string_view allkeys_policy) {
  if (allkeys_policy == "allkeys-lfu") return "volatile-lfu";
  if (allkeys_policy == "allkeys-random") return "volatile-random";
  return "volatile-lru";
}

}  // namespace

std::string QuotedNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += "`" + n + "`";
  }
  return out;
}

std::string ProtectedKeysFix(std::string_view policy, Provider provider) {
  std::string fix;
  if (IsVolatilePolicy(policy)) {
    fix =
        "Remove the TTL of the protected keys (PERSIST key, or write them without EX/PX), so the "
        "volatile policy never picks them, and size maxmemory for the keys without a TTL.\n";
  } else {
    const ConfigChange change{"maxmemory-policy", VolatilePolicyFor(policy), std::nullopt};
    fix = fmt::format(
        "Let Redis evict only keys with a TTL: {}; give the cache keys a TTL where they are "
        "written (SET key value EX 3600) and none to the protected keys (PERSIST key).\n",
        ConfigFixClause(change, provider));
  }
  const ConfigChange noeviction{"maxmemory-policy", "noeviction", std::nullopt};
  fix += fmt::format(
      "Or keep the protected keys in a separate Redis that never evicts ({}), away from the "
      "cache.",
      ConfigFixClause(noeviction, provider));
  return fix;
}

}  // namespace memwatch::checks
