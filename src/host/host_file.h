// Reading the small text files of /proc and the cgroup file system: the only
// I/O of the host module besides listing /proc.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "memwatch/result.h"

namespace memwatch::host {

// These files are small (a status file is ~1.5 KiB, a cgroup limit a line);
// the cap keeps a strange file from costing the daemon memory.
constexpr size_t kMaxHostFileBytes = size_t{1024} * 1024;
// Socket tables are read a line at a time (VisitHostFileLines), at the
// cost of one read buffer however many sockets the host has; a line is
// ~150 bytes, a unix socket's path at most 108.
constexpr size_t kMaxLineBytes = size_t{4} * 1024;

// The whole content of the file at `path`. Fails with "cannot read PATH:
// REASON", REASON being strerror's text, "not a regular file" or "larger
// than N bytes".
Result<std::string> ReadHostFile(const std::string& path, size_t max_bytes = kMaxHostFileBytes);

// Like ReadHostFile, but a file that does not exist (ENOENT) is nullopt
// rather than an error: optional files such as a cgroup's memory.max.
Result<std::optional<std::string>> ReadHostFileIfExists(const std::string& path,
                                                        size_t max_bytes = kMaxHostFileBytes);

// Called with each line of a file, numbered from 0, without its newline;
// returns false to stop reading.
using LineVisitor = std::function<bool(size_t number, std::string_view line)>;

// Hands the file at `path` to `on_line` a line at a time, holding one read
// buffer and at most one line: net/tcp of a process in the host's network
// namespace lists every socket on the host (20,000 sockets, 3 MB), and
// reading it whole made RSS jump by twice that on each lookup. Stops early
// when on_line returns false. Fails like ReadHostFile, or with "line N
// longer than M bytes"; lines before a failure have been visited.
Status VisitHostFileLines(const std::string& path, const LineVisitor& on_line,
                          size_t max_line_bytes = kMaxLineBytes);

}  // namespace memwatch::host
