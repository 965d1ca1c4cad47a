// What a process listens on, from the socket tables of its network
// namespace: /proc/PID/net/tcp, tcp6 and unix. They tell apart processes
// that have the same PID in different PID namespaces (every container's
// Redis may be PID 1).
#pragma once

#include <cstdint>
#include <string_view>

namespace memwatch::host {

// The tables are read a line at a time (host_file.h's VisitHostFileLines):
// on a busy host they list tens of thousands of sockets. Callers skip each
// table's first line, its header.

// True iff `line`, a line of /proc/PID/net/tcp or net/tcp6, is a socket in
// state LISTEN (0A) whose local port is `port`. Lines look like
// "   0: 0100007F:1F90 00000000:0000 0A ..."; the port is hex text
// (1F90 = 8080). A line that does not parse is false.
bool IsTcpListenerOn(std::string_view line, int64_t port);

// True iff `line`, a line of /proc/PID/net/unix, is a socket bound to
// exactly `path` (the Path column, the line's last; the kernel prints it as
// the process's mount namespace names it).
bool IsUnixSocketAt(std::string_view line, std::string_view path);

}  // namespace memwatch::host
