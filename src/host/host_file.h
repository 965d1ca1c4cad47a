// Reading the small text files of /proc and the cgroup file system: the only
// I/O of the host module besides listing /proc.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "memwatch/result.h"

namespace memwatch::host {

// These files are small (a status file is ~1.5 KiB, a cgroup limit a line);
// the cap keeps a strange file from costing the daemon memory. net/tcp of a
// process in the host's network namespace lists every socket on the host,
// ~150 bytes each, so it gets a larger one.
constexpr size_t kMaxHostFileBytes = size_t{1024} * 1024;
constexpr size_t kMaxSocketTableBytes = size_t{64} * 1024 * 1024;

// The whole content of the file at `path`. Fails with "cannot read PATH:
// REASON", REASON being strerror's text, "not a regular file" or "larger
// than N bytes".
Result<std::string> ReadHostFile(const std::string& path, size_t max_bytes = kMaxHostFileBytes);

// Like ReadHostFile, but a file that does not exist (ENOENT) is nullopt
// rather than an error: optional files such as a cgroup's memory.max.
Result<std::optional<std::string>> ReadHostFileIfExists(const std::string& path,
                                                        size_t max_bytes = kMaxHostFileBytes);

}  // namespace memwatch::host
