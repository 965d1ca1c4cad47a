// Reads a `keyspace:` block, the global one or a target's.
#pragma once

#include <string>
#include <vector>

#include "config/keyspace_settings.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// Reads `block` into `out`, reporting every wrong key and value: budget a
// percentage above 0 and at most 10 %, max_keys_per_second an integer in
// 1..1000000, delimiters 1 to 8 distinct printable ASCII bytes, depth an
// integer in 1..10, top an integer in 1..200, interval a positive duration,
// protected a list of at most 32 Redis key patterns (keyspace/glob.h), each
// non-empty, at most 256 bytes, with its brackets closed.
// An empty block (`keyspace:` and nothing) sets nothing.
void ReadKeyspaceBlock(Walker& walker, const Value& block, KeyspaceBlock& out);

// The keys of a `keyspace:` block ("enabled", "budget", ...), for docs.
std::vector<std::string> KeyspaceKeys();

}  // namespace memwatch::config
