// The memory limits of the containers that watched Redis run in, for the
// targets on this host: found through each Redis process's cgroup
// (host/container_limit.h) so that a `--maxmemory 4gb` in a 4g container is
// flagged with no memory_limit written anywhere. Looked up at a target's
// first successful poll, again when its process changes (INFO run_id), and
// every kRecheck (`docker update` changes a limit at runtime). Logs what it
// found, or why it found nothing, once per outcome.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "host/container_limit.h"
#include "memwatch/clock.h"
#include "memwatch/endpoint.h"
#include "memwatch/result.h"
#include "memwatch/snapshot.h"

namespace memwatch::app {

// What identifies the process of a Redis at `endpoint` that INFO described
// as `s`; nullopt when it is not on this host (neither a loopback address
// nor a unix socket) or INFO has no process_id.
std::optional<host::RedisProcessQuery> LocalProcessQuery(const Endpoint& endpoint,
                                                         const Snapshot& s);

// The lookup for doctor: the limit, or why there is none to read (another
// host, no process_id, the process or its cgroup not visible).
Result<host::ContainerLimit> LookUpContainerLimit(const host::HostPaths& paths,
                                                  const Endpoint& endpoint, const Snapshot& s);

// "4 GiB from /sys/fs/cgroup/memory/redis/memory.limit_in_bytes (cgroup v1,
// pid 4242)", or "no memory limit in its cgroup (cgroup v1, pid 4242)".
std::string DescribeContainerLimit(const host::ContainerLimit& limit);

class ContainerLimits {
 public:
  static constexpr Duration kRecheck = std::chrono::seconds(60);

  explicit ContainerLimits(host::HostPaths paths = {}) : paths_(std::move(paths)) {}

  // The cgroup memory limit of target `name`, whose latest poll gave `s`;
  // nullopt when it is unknown or there is none.
  std::optional<int64_t> Get(const std::string& name, const Endpoint& endpoint, const Snapshot& s,
                             MonoTime now);

  // Forgets the targets not in `names` (a reload removed them).
  void Retain(const std::vector<std::string>& names);

 private:
  struct Entry {
    std::optional<std::string> run_id;
    MonoTime checked;
    std::optional<int64_t> bytes;
    std::string logged;  // the outcome last logged
  };
  void LookUp(const std::string& name, const Endpoint& endpoint, const Snapshot& s, Entry* e);

  host::HostPaths paths_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace memwatch::app
