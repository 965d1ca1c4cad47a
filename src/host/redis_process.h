// Finding the Redis process a target talks to among this host's processes.
#pragma once

#include <cstdint>

#include "host/container_limit.h"
#include "memwatch/result.h"

namespace memwatch::host {

// The host PID (as `paths.proc` numbers it) of the one process whose PID
// in its innermost namespace is `query.process_id` and that listens where
// the query says (tcp_port > 0: a LISTEN socket on that port in net/tcp or
// net/tcp6; unix_socket: that path in net/unix; both when both are given).
// Processes that vanish or cannot be read while we look are skipped. Fails
// when none or several match, saying what was looked for and what to do.
// `table` lists the candidates (ScanProcesses); nullptr scans them now.
Result<int64_t> FindRedisProcess(const HostPaths& paths, const RedisProcessQuery& query,
                                 const ProcessTable* table = nullptr);

}  // namespace memwatch::host
