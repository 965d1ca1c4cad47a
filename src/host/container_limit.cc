#include "host/container_limit.h"

#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "host/host_file.h"
#include "host/memory_limit_file.h"
#include "host/mountinfo.h"
#include "host/proc_cgroup.h"
#include "host/redis_process.h"

namespace memwatch::host {
namespace {

// Where a cgroup's files are: the directory its hierarchy is mounted at
// (with paths.root) and the cgroup's path below that mount.
struct CgroupLocation {
  std::string mount_dir;
  std::string relative;
};

Result<MemoryCgroup> ReadMemoryCgroup(const HostPaths& paths, int64_t pid) {
  const std::string file = fmt::format("{}/{}/cgroup", paths.proc, pid);
  Result<std::string> text = ReadHostFile(file);
  if (!text.ok()) return text.status();
  std::optional<MemoryCgroup> cgroup = ParseMemoryCgroup(text.value());
  if (!cgroup.has_value()) {
    return Status::Error(
        fmt::format("{} has no memory controller line (neither cgroup v1 memory nor v2 \"0::\"); "
                    "set memory_limit for this target",
                    file));
  }
  return std::move(*cgroup);
}

// The first mount of the cgroup's hierarchy that shows it. Several mounts
// of one hierarchy are the same files, so any that shows it will do.
Result<CgroupLocation> LocateCgroup(const HostPaths& paths, const std::vector<Mount>& mounts,
                                    const MemoryCgroup& cgroup) {
  const Mount* hiding = nullptr;
  for (const Mount& mount : mounts) {
    if (!IsMemoryCgroupMount(mount, cgroup.version)) continue;
    if (std::optional<std::string> below = PathBelowRoot(cgroup.path, mount.root)) {
      return CgroupLocation{paths.root + mount.mount_point, std::move(*below)};
    }
    if (hiding == nullptr) hiding = &mount;
  }
  const std::string mountinfo = paths.proc + "/self/mountinfo";
  if (hiding != nullptr) {
    return Status::Error(fmt::format(
        "the Redis process's cgroup {} is not under the root {} of the cgroup mount at {} "
        "(in {}): it belongs to another cgroup namespace or container, so this daemon cannot "
        "read its limit; set memory_limit for this target",
        cgroup.path, hiding->root, hiding->mount_point, mountinfo));
  }
  return Status::Error(fmt::format(
      "{} has no {} mount, so this daemon cannot read the Redis process's limit; mount it or "
      "set memory_limit for this target",
      mountinfo,
      cgroup.version == 1 ? "cgroup v1 memory controller (cgroup with memory)" : "cgroup2"));
}

}  // namespace

Result<ContainerLimit> FindContainerLimit(const HostPaths& paths, const RedisProcessQuery& query,
                                          const ProcessTable* table) {
  const Result<int64_t> pid = FindRedisProcess(paths, query, table);
  if (!pid.ok()) return pid.status();
  const Result<MemoryCgroup> cgroup = ReadMemoryCgroup(paths, pid.value());
  if (!cgroup.ok()) return cgroup.status();
  const Result<std::string> mountinfo = ReadHostFile(paths.proc + "/self/mountinfo");
  if (!mountinfo.ok()) return mountinfo.status();
  const Result<CgroupLocation> location =
      LocateCgroup(paths, ParseMountInfo(mountinfo.value()), cgroup.value());
  if (!location.ok()) return location.status();
  Result<SmallestLimit> limit = FindSmallestLimit(
      location.value().mount_dir, location.value().relative, cgroup.value().version);
  if (!limit.ok()) return limit.status();
  ContainerLimit found;
  found.pid = pid.value();
  found.bytes = limit.value().bytes;
  found.file = std::move(limit.value().file);
  found.cgroup_version = cgroup.value().version;
  return found;
}

}  // namespace memwatch::host
