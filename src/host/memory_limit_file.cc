#include "host/memory_limit_file.h"

#include <fmt/format.h>

#include "host/host_file.h"
#include "host/text_fields.h"

namespace memwatch::host {
namespace {

constexpr uint64_t kUnlimitedFrom = uint64_t{1} << 62;

// `dir` + `relative` + "/" + `name`, without doubled slashes.
std::string LimitFilePath(const std::string& dir, std::string_view relative,
                          std::string_view name) {
  std::string path = dir;
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += relative;
  path += '/';
  path += name;
  return path;
}

}  // namespace

std::string_view MemoryLimitFileName(int version) {
  return version == 1 ? "memory.limit_in_bytes" : "memory.max";
}

Result<std::optional<int64_t>> ParseMemoryLimit(std::string_view text, int version) {
  const std::string_view value = TrimSpace(text);
  if (version == 2 && value == "max") return std::optional<int64_t>();
  const std::optional<uint64_t> bytes = ParseUnsignedDecimal(value);
  if (!bytes.has_value()) {
    return Status::Error(fmt::format("'{}' is not a number of bytes{}", value.substr(0, 40),
                                     version == 2 ? " or \"max\"" : ""));
  }
  if (*bytes >= kUnlimitedFrom) return std::optional<int64_t>();
  return std::optional<int64_t>(static_cast<int64_t>(*bytes));
}

Result<SmallestLimit> FindSmallestLimit(const std::string& mount_dir, std::string_view relative,
                                        int version) {
  SmallestLimit smallest;
  const std::string_view name = MemoryLimitFileName(version);
  for (;;) {
    const std::string path = LimitFilePath(mount_dir, relative, name);
    Result<std::optional<std::string>> text = ReadHostFileIfExists(path);
    if (!text.ok()) return text.status();
    if (text.value().has_value()) {
      const Result<std::optional<int64_t>> limit = ParseMemoryLimit(*text.value(), version);
      if (!limit.ok()) return Status::Error(fmt::format("{}: {}", path, limit.status().message()));
      if (limit.value().has_value() && (!smallest.bytes || *limit.value() < *smallest.bytes)) {
        smallest = SmallestLimit{limit.value(), path};
      }
    }
    if (relative.empty()) return smallest;
    const size_t slash = relative.rfind('/');
    relative = slash == std::string_view::npos ? std::string_view() : relative.substr(0, slash);
  }
}

}  // namespace memwatch::host
