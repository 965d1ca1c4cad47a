// Where cgroup hierarchies are mounted, from /proc/self/mountinfo (our own
// mount namespace: the paths we can open), and where a cgroup lies below
// such a mount.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memwatch::host {

// One line of mountinfo:
// "36 35 98:0 ROOT MOUNTPOINT OPTS [optional...] - FSTYPE SOURCE SUPEROPTS".
struct Mount {
  std::string root;         // the directory of the file system seen at mount_point, unescaped
  std::string mount_point;  // unescaped
  std::string fs_type;
  std::string super_options;  // comma-separated; for cgroup v1 includes the controllers
};

// Every well-formed line of `mountinfo`; malformed ones are skipped.
std::vector<Mount> ParseMountInfo(std::string_view mountinfo);

// `text` with the kernel's octal escapes (\040 space, \011 tab, \012
// newline, \134 backslash) decoded. A backslash not followed by three
// octal digits stays as it is.
std::string DecodeMountEscapes(std::string_view text);

// True iff `mount` is a hierarchy of cgroup `version` that can hold memory
// limits: v1 "cgroup" with the memory controller, or v2 "cgroup2".
bool IsMemoryCgroupMount(const Mount& mount, int version);

// `cgroup_path` relative to `mount_root` ("" when equal, else starting
// with '/'), compared by whole path components. nullopt when the cgroup
// does not lie under the root, or when it climbs with ".." (a cgroup of
// another cgroup namespace): then the mount does not show it.
std::optional<std::string> PathBelowRoot(std::string_view cgroup_path, std::string_view mount_root);

}  // namespace memwatch::host
