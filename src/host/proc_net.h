// What a process listens on, from the socket tables of its network
// namespace: /proc/PID/net/tcp, tcp6 and unix. They tell apart processes
// that have the same PID in different PID namespaces (every container's
// Redis may be PID 1).
#pragma once

#include <cstdint>
#include <string_view>

namespace memwatch::host {

// True iff the text of /proc/PID/net/tcp or net/tcp6 has a socket in state
// LISTEN (0A) whose local port is `port`. Lines look like
// "   0: 0100007F:1F90 00000000:0000 0A ..." after a header line; the port
// is hex text (1F90 = 8080). Lines that do not parse are ignored.
bool ListensOnTcpPort(std::string_view net_tcp, int64_t port);

// True iff the text of /proc/PID/net/unix has a socket bound to exactly
// `path` (the Path column, the line's last; the kernel prints it as the
// process's mount namespace names it). The header line is ignored.
bool HasUnixSocket(std::string_view net_unix, std::string_view path);

}  // namespace memwatch::host
