// FileSystem on POSIX calls (open/write/fsync/rename/unlink), with
// error messages that name the path and the errno text.
#pragma once

#include "alerting/file_system.h"

namespace memwatch::alerting {

class PosixFileSystem : public FileSystem {
 public:
  Status MakeDirs(const std::string& dir) override;
  Status WriteFileDurably(const std::string& path, std::string_view content) override;
  Status Remove(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& dir) override;
  Result<std::string> Read(const std::string& path) override;
  Result<int> RemoveTemporaries(const std::string& dir) override;
};

}  // namespace memwatch::alerting
