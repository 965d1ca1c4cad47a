// The memory limits of a cgroup and its ancestors, from cgroup v1's
// memory.limit_in_bytes or v2's memory.max.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "memwatch/result.h"

namespace memwatch::host {

// The limit file's name in a cgroup directory of `version` (1 or 2).
std::string_view MemoryLimitFileName(int version);

// The limit in a limit file's text: a number of bytes, or nullopt for "no
// limit" (v2's "max"; v1's default, PAGE_COUNTER_MAX pages, which is
// 9223372036854771712 with 4 KiB pages: any value >= 2^62 counts, no real
// limit is that large). Fails, with just the reason, when the text is
// neither.
Result<std::optional<int64_t>> ParseMemoryLimit(std::string_view text, int version);

struct SmallestLimit {
  std::optional<int64_t> bytes;  // nullopt: no level sets a limit
  std::string file;              // the file that set `bytes`; empty when none
};

// The smallest limit set in `mount_dir` + `relative` or any directory above
// it up to `mount_dir` itself (the kernel enforces each of them). `relative`
// is "" or starts with '/'. A level without the file is skipped (the v2
// root has no memory.max). Fails when a file exists but cannot be read or
// holds garbage, naming it.
Result<SmallestLimit> FindSmallestLimit(const std::string& mount_dir, std::string_view relative,
                                        int version);

}  // namespace memwatch::host
