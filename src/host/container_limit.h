// The memory limit of the container a Redis on this host runs in, read from
// the kernel the way `docker stats` and systemd do: find the Redis process
// (INFO's process_id, through /proc/PID/status NSpid when Redis has its own
// PID namespace, checked by the port or unix socket it listens on), then its
// memory cgroup (cgroup v1 memory.limit_in_bytes or v2 memory.max), taking
// the smallest limit up the hierarchy. Reads files only, through HostPaths,
// so tests run it on fixture trees.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "memwatch/result.h"

namespace memwatch::host {

// Where the host's files are: "/proc" and "" on a host; a fixture tree in
// tests. `root` is prepended to every mount point read from
// PROC/self/mountinfo (e.g. /sys/fs/cgroup/memory).
struct HostPaths {
  std::string proc = "/proc";
  std::string root;
};

// How to recognise the Redis process.
struct RedisProcessQuery {
  int64_t process_id = 0;           // INFO process_id: its PID in its own PID namespace
  std::optional<int64_t> tcp_port;  // INFO tcp_port (inside its network namespace); 0: none
  std::string unix_socket;          // the target's unix socket path, when it is one
};

// The visible processes by their PID in their innermost PID namespace
// (NSpid's last field): one scan of PROC/*/status (ScanProcesses), shared
// by the lookups of many targets. Processes started after the scan are not
// in it.
struct ProcessTable {
  std::multimap<int64_t, int64_t> host_pids_by_innermost;
};

// Reads the status of every process in `paths.proc`; vanished or
// unreadable ones are skipped. Fails only when the directory cannot be
// listed.
Result<ProcessTable> ScanProcesses(const HostPaths& paths);

struct ContainerLimit {
  int64_t pid = 0;  // the Redis process, as this host's /proc numbers it
  // The smallest memory limit from its cgroup up to the hierarchy's root;
  // nullopt when none is set (v1's huge default, v2's "max").
  std::optional<int64_t> bytes;
  std::string file;        // the file that set `bytes`, e.g. .../memory.limit_in_bytes
  int cgroup_version = 0;  // 1 or 2
};

// Finds the process and reads its limit. An error says, for people, why
// not: no visible process with that PID listening there (Redis on another
// host, a PID namespace hidden from us, /proc mounted with hidepid or a
// systemd unit's ProtectProc=), several that match, no memory cgroup, or a
// file that cannot be read (naming it).
// `table`: the processes to look among, from ScanProcesses; nullptr scans
// them now.
Result<ContainerLimit> FindContainerLimit(const HostPaths& paths, const RedisProcessQuery& query,
                                          const ProcessTable* table = nullptr);

}  // namespace memwatch::host
