// The memory limits of the containers that watched Redis run in, for the
// targets on this host: found through each Redis process's cgroup
// (host/container_limit.h) so that a `--maxmemory 4gb` in a 4g container is
// flagged with no memory_limit written anywhere. Looked up at a target's
// first successful poll, again when its process changes (INFO run_id), and
// every kRecheck (`docker update` changes a limit at runtime), or
// kRecheckNotFound after a lookup that found nothing. One scan of /proc
// serves every lookup for kProcessTableAge, so a daemon watching hundreds
// of local Redis (or many targets that only look local) reads /proc once,
// not once per target. Logs what it found, or why it found nothing, once
// per outcome.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
                                                  const Endpoint& endpoint, const Snapshot& s,
                                                  const host::ProcessTable* table = nullptr);

// "4 GiB from /sys/fs/cgroup/memory/redis/memory.limit_in_bytes (cgroup v1,
// pid 4242)", or "no memory limit in its cgroup (cgroup v1, pid 4242)".
std::string DescribeContainerLimit(const host::ContainerLimit& limit);

class ContainerLimits {
 public:
  static constexpr Duration kRecheck = std::chrono::minutes(5);
  static constexpr Duration kRecheckNotFound = std::chrono::minutes(10);
  static constexpr Duration kProcessTableAge = std::chrono::seconds(30);
  // A lookup that fails on a table at least this old scans again once: the
  // process may have started (a restart) after the scan.
  static constexpr Duration kRescanAfter = std::chrono::seconds(5);

  explicit ContainerLimits(host::HostPaths paths = {}) : paths_(std::move(paths)) {}
  ~ContainerLimits();  // joins the lookup thread
  ContainerLimits(const ContainerLimits&) = delete;
  ContainerLimits& operator=(const ContainerLimits&) = delete;

  // The cgroup memory limit of target `name`, whose latest poll gave `s`,
  // as last found; nullopt when it is unknown (not looked up yet) or there
  // is none. Never reads /proc itself: a lookup that is due is handed to a
  // thread of its own (started at the first), so polling is never delayed
  // by /proc (whose socket tables take milliseconds on a busy host), and
  // its result is returned from a later call.
  std::optional<int64_t> Get(const std::string& name, const Endpoint& endpoint, const Snapshot& s,
                             MonoTime now);

  // Forgets the targets not in `names` (a reload removed them).
  void Retain(const std::vector<std::string>& names);

 private:
  struct Entry {
    std::optional<std::string> run_id;
    MonoTime checked;
    std::optional<int64_t> bytes;
    bool found = false;   // the last lookup found the process and its cgroup
    bool queued = false;  // a lookup is queued or running
    std::string logged;   // the outcome last logged
  };
  struct Request {
    std::string name;
    Endpoint endpoint;
    Snapshot snapshot;  // process_id and tcp_port only
    MonoTime now;
  };

  void Work();
  // On the lookup thread: the outcome for `r`, logged when it changed.
  void LookUp(const Request& r);
  // On the lookup thread: the process table, scanned again when older than
  // kProcessTableAge.
  const host::ProcessTable* Table(MonoTime now);

  const host::HostPaths paths_;
  std::optional<host::ProcessTable> table_;  // the lookup thread's
  MonoTime table_at_;                        // the lookup thread's

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<Request> queue_;                       // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  std::thread worker_;                              // started by the first lookup
};

}  // namespace memwatch::app
