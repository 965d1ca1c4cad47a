// Which provider runs a target: the configured one, else what INFO tells.
// Pure.
#pragma once

#include <optional>

#include "memwatch/provider.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks {

// What INFO alone tells: ElastiCache (and MemoryDB) report
// `os:Amazon ElastiCache` / `os:Amazon MemoryDB`. Azure and Memorystore show
// a plain Linux `os`, so nullopt for them as for a self-managed server.
std::optional<Provider> ProviderFromInfo(const Snapshot& s);

// `configured` (the target's provider:, nullopt for auto) wins; else what
// the snapshot shows (null: no successful poll yet); else self-managed.
Provider ResolveProvider(std::optional<Provider> configured, const Snapshot* s);

}  // namespace memwatch::checks
