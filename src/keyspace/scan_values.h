// The values the sampler and the Redis side exchange: what to send (a SCAN
// page, then TYPE + TTL [+ MEMORY USAGE] per key) and what came back. The
// glue in src/app sends the requests, pipelined, and converts the replies
// into these; nothing here knows of a Redis client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memwatch::keyspace {

// Send `SCAN cursor COUNT count`.
struct ScanRequest {
  uint64_t cursor = 0;
  uint32_t count = 0;
};

// A SCAN reply: the cursor to send next (0: the cycle is over) and the keys.
struct ScanPage {
  uint64_t next_cursor = 0;
  std::vector<std::string> keys;
};

// Send `TYPE key` and `TTL key`, and `MEMORY USAGE key SAMPLES 0` iff
// memory_usage.
struct KeyRequest {
  std::string key;
  bool memory_usage = false;
};

// The replies for one KeyRequest.
struct KeyFacts {
  std::string key;
  std::string type;  // the TYPE reply: "string", "hash", ...; "none" if the key vanished
  int64_t ttl = -1;  // the TTL reply: -1 no TTL, -2 gone, >= 0 seconds
  // The MEMORY USAGE reply when it was asked for and was an integer;
  // nullopt when not asked, on an error, or for a nil reply.
  std::optional<int64_t> bytes;
};

}  // namespace memwatch::keyspace
