// A fresh directory for one fixture or test, under $TMPDIR (else /tmp),
// removed with everything in it when the TempDir goes away. With
// MEMWATCH_KEEP_TEMP=1 in the environment it is kept instead, and its path
// is printed to stderr, so the logs and files of a failed run can be read.
//
//   TempDir dir("memwatch-redis");       // /tmp/memwatch-redis.Ab12Cd
//   std::ofstream(dir.File("config.yml")) << yaml;
#pragma once

#include <string>
#include <string_view>

namespace memwatch::testing {

class TempDir {
 public:
  // Creates <base>/<prefix>.XXXXXX with mkdtemp (mode 0700). `base` ""
  // means DefaultBase(). Throws std::runtime_error if it cannot.
  explicit TempDir(std::string_view prefix = "memwatch", std::string base = "");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(std::string_view name) const;

  // $TMPDIR when it is set to an absolute path, else /tmp.
  static std::string DefaultBase();
  // DefaultBase(), unless a unix socket `socket_name` in a TempDir named
  // `prefix` there would not fit in sockaddr_un (107 bytes): then /tmp.
  static std::string BaseForSocket(std::string_view prefix, std::string_view socket_name);
  // True iff MEMWATCH_KEEP_TEMP=1: temp dirs are kept for debugging.
  static bool KeepRequested();

 private:
  std::string path_;
};

// The name the notifier tests were written against.
using ScopedTempDir = TempDir;

}  // namespace memwatch::testing
