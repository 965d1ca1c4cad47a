// Config changes on managed services, which block CONFIG SET: the
// provider's own tool and syntax for what RenderConfigFix writes as
// CONFIG SET on a self-managed Redis. Pure.
#pragma once

#include <span>
#include <string>

#include "checks/fix_advice.h"
#include "memwatch/provider.h"

namespace memwatch::checks {

// The whole fix, one block: ElastiCache's parameter group, Azure's
// redisConfiguration, Memorystore's --update-redis-config; what the
// provider does not let users set is said so. maxmemory is explained where
// the provider derives it from the node or cache size. p is not
// kSelfManaged.
std::string RenderManagedFix(std::span<const ConfigChange> changes, Provider p);

// The same for one change, as a clause to put inside a sentence:
// "set maxmemory-policy to allkeys-lru in the parameter group (aws ...)".
std::string ManagedFixClause(const ConfigChange& change, Provider p);

// How to leave Redis more memory outside the data (forks, buffers) on a
// managed service: "raise reserved-memory-percent in the parameter group
// (...)".
std::string MaxmemoryReserveHint(Provider p);

}  // namespace memwatch::checks
