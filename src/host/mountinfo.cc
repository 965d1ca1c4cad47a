#include "host/mountinfo.h"

#include "host/text_fields.h"

namespace memwatch::host {
namespace {

// Mount ID, parent ID, major:minor, root, mount point, mount options.
constexpr size_t kFixedFields = 6;

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

bool HasOption(std::string_view options, std::string_view option) {
  for (const std::string_view o : SplitAt(options, ',')) {
    if (o == option) return true;
  }
  return false;
}

std::optional<Mount> ParseMountLine(std::string_view line) {
  const std::vector<std::string_view> fields = SplitFields(line);
  if (fields.size() < kFixedFields) return std::nullopt;
  // The optional fields ("shared:1", "master:2") end at a lone "-".
  size_t dash = kFixedFields;
  while (dash < fields.size() && fields[dash] != "-") ++dash;
  // After it: file system type, source, super options.
  if (dash + 3 >= fields.size()) return std::nullopt;
  // Both are absolute paths; anything else is not a line we understand.
  if (fields[3].front() != '/' || fields[4].front() != '/') return std::nullopt;
  Mount mount;
  mount.root = DecodeMountEscapes(fields[3]);
  mount.mount_point = DecodeMountEscapes(fields[4]);
  mount.fs_type = std::string(fields[dash + 1]);
  mount.super_options = std::string(fields[dash + 3]);
  return mount;
}

}  // namespace

std::vector<Mount> ParseMountInfo(std::string_view mountinfo) {
  std::vector<Mount> mounts;
  for (const std::string_view line : SplitLines(mountinfo)) {
    if (std::optional<Mount> mount = ParseMountLine(line)) mounts.push_back(std::move(*mount));
  }
  return mounts;
}

std::string DecodeMountEscapes(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && IsOctal(text[i + 1]) && IsOctal(text[i + 2]) &&
        IsOctal(text[i + 3])) {
      const int value = (text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
      decoded.push_back(static_cast<char>(value));
      i += 3;
      continue;
    }
    decoded.push_back(text[i]);
  }
  return decoded;
}

bool IsMemoryCgroupMount(const Mount& mount, int version) {
  if (version == 1) return mount.fs_type == "cgroup" && HasOption(mount.super_options, "memory");
  if (version == 2) return mount.fs_type == "cgroup2";
  return false;
}

std::optional<std::string> PathBelowRoot(std::string_view cgroup_path,
                                         std::string_view mount_root) {
  for (const std::string_view component : SplitAt(cgroup_path, '/')) {
    if (component == "..") return std::nullopt;
  }
  while (!mount_root.empty() && mount_root.back() == '/') mount_root.remove_suffix(1);
  if (cgroup_path.substr(0, mount_root.size()) != mount_root) return std::nullopt;
  std::string_view rest = cgroup_path.substr(mount_root.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/a" is not below "/ab"
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  return std::string(rest);
}

}  // namespace memwatch::host
