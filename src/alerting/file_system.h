// The file-system seam of the alert outbox: only the operations the outbox
// needs, with the durability each one promises. PosixFileSystem is the real
// one; tests use an in-memory fake that can fail on demand.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "memwatch/result.h"

namespace memwatch::alerting {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Creates `dir` and any missing parents (mode 0700); ok if it exists.
  virtual Status MakeDirs(const std::string& dir) = 0;

  // Replaces `path` with `content` so that after a crash at any point the
  // file holds either its old content (or is absent) or all of `content`:
  // writes <dir>/.<name>.tmp, fsyncs it, renames it over `path`, fsyncs
  // the directory. A crash may leave the temp file behind; List() never
  // shows names starting with '.', and RemoveTemporaries() cleans them.
  virtual Status WriteFileDurably(const std::string& path, std::string_view content) = 0;

  // Unlinks `path` and fsyncs its directory, so a removal survives a crash.
  // Removing a file that does not exist is ok.
  virtual Status Remove(const std::string& path) = 0;

  // Names (not paths) of the regular files in `dir` not starting with '.',
  // sorted.
  virtual Result<std::vector<std::string>> List(const std::string& dir) = 0;

  virtual Result<std::string> Read(const std::string& path) = 0;

  // Deletes the temp files a crash left in `dir`; returns how many.
  virtual Result<int> RemoveTemporaries(const std::string& dir) = 0;
};

}  // namespace memwatch::alerting
