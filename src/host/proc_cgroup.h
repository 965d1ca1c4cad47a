// Which memory cgroup a process is in, from /proc/PID/cgroup.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace memwatch::host {

struct MemoryCgroup {
  int version = 0;   // 1: the v1 memory controller's hierarchy; 2: the unified one
  std::string path;  // as the line has it, e.g. "/docker/0123abcd"
};

// The memory cgroup named by the text of /proc/PID/cgroup: the cgroup v1
// line ("ID:controller,list:/path") whose controller list has `memory`,
// else the v2 line ("0::/path"). v1 wins because on a hybrid host the
// memory controller is attached to v1 and the unified hierarchy has no
// limits. nullopt when there is neither (or only garbage).
std::optional<MemoryCgroup> ParseMemoryCgroup(std::string_view proc_cgroup);

}  // namespace memwatch::host
