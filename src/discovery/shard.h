// Which daemon of several watches a target: ShardOf(name, count) is
// exactly Prometheus's `hashmod` relabel action, so users can split their
// scrape targets the same way:
//   - source_labels: [__address__]
//     modulus: 2
//     target_label: __tmp_hash
//     action: hashmod
//   - source_labels: [__tmp_hash]
//     regex: 0          # this daemon's shard index
//     action: keep
// The value is the big-endian unsigned 64-bit integer of bytes 8..15 of the
// MD5 digest of `name`, modulo `count`. In Python:
//   int.from_bytes(hashlib.md5(name).digest()[8:], 'big') % count
// (With several source_labels Prometheus hashes their values joined by the
// separator, ";" by default: pass that joined string.)
#pragma once

#include <cstdint>
#include <string_view>

namespace memwatch::discovery {

// Requires count >= 1 (a count of 0 is a bug: the config refuses it).
// Returns a value in 0..count-1; the same for the same arguments, on every
// host and in every version.
uint64_t ShardOf(std::string_view name, uint64_t count);

}  // namespace memwatch::discovery
