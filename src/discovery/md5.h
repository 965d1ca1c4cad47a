// MD5 (RFC 1321), for ShardOf only: Prometheus's hashmod relabel action is
// defined over MD5, so the daemon must compute the same digest. Not for
// anything that needs a secure hash. Written here because the pure core
// links no crypto library.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace memwatch::discovery {

using Md5Digest = std::array<uint8_t, 16>;

// The MD5 digest of `data`, RFC 1321.
Md5Digest Md5(std::string_view data);

}  // namespace memwatch::discovery
