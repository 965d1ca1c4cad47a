// Reading a process's PID in its own PID namespace from /proc/PID/status.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace memwatch::host {

// The PID the process has in its innermost PID namespace, i.e. what its own
// getpid() (and so Redis's INFO process_id) says: the last field of the
// `NSpid:` line, which lists the PID from the outermost namespace inward
// ("NSpid:\t4242\t1": 1 inside its container). Kernels before 4.1 have no
// NSpid, and there the `Pid:` line is the only PID. nullopt when the line
// found does not end in a number.
std::optional<int64_t> InnermostPid(std::string_view status);

}  // namespace memwatch::host
