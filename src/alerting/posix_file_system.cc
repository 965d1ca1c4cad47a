#include "alerting/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

namespace memwatch::alerting {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Status::Error(
      fmt::format("{} {}: {}", what, path, std::generic_category().message(errno)));
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Closes the descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // close() can report a deferred write error: check it once.
  bool Close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

Status SyncDir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open directory", dir);
  if (::fsync(fd.get()) != 0) return Errno("cannot fsync directory", dir);
  return Status::Ok();
}

}  // namespace

Status PosixFileSystem::MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Errno("cannot create directory", prefix);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return Errno("cannot stat", dir);
  if (!S_ISDIR(st.st_mode)) return Status::Error(fmt::format("{} is not a directory", dir));
  return Status::Ok();
}

Status PosixFileSystem::WriteFileDurably(const std::string& path, std::string_view content) {
  const std::string dir = DirOf(path);
  const std::string tmp = fmt::format("{}/.{}.tmp", dir, path.substr(path.rfind('/') + 1));
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) return Errno("cannot create", tmp);
    size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status s = Errno("cannot write", tmp);
        ::unlink(tmp.c_str());
        return s;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || !fd.Close()) {
      Status s = Errno("cannot fsync", tmp);
      ::unlink(tmp.c_str());
      return s;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename into", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDir(dir);
}

Status PosixFileSystem::Remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Errno("cannot remove", path);
  }
  return SyncDir(DirOf(path));
}

Result<std::vector<std::string>> PosixFileSystem::List(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Errno("cannot list", dir);
  std::vector<std::string> names;
  // readdir is only unsafe on a DIR stream shared between threads; this one
  // is local.
  while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
    if (e->d_name[0] == '.') continue;
    struct stat st {};
    const std::string path = fmt::format("{}/{}", dir, e->d_name);
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> PosixFileSystem::Read(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open", path);
  std::string content;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path);
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
  }
  return content;
}

Result<int> PosixFileSystem::RemoveTemporaries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Errno("cannot list", dir);
  std::vector<std::string> temps;
  // readdir is only unsafe on a DIR stream shared between threads; this one
  // is local.
  while (const dirent* e = ::readdir(d)) {  // NOLINT(concurrency-mt-unsafe)
    const std::string_view name = e->d_name;
    if (name.size() > 5 && name.front() == '.' && name.ends_with(".tmp")) temps.emplace_back(name);
  }
  ::closedir(d);
  for (const std::string& name : temps) {
    if (::unlink(fmt::format("{}/{}", dir, name).c_str()) != 0 && errno != ENOENT) {
      return Errno("cannot remove", fmt::format("{}/{}", dir, name));
    }
  }
  if (!temps.empty()) {
    Status s = SyncDir(dir);
    if (!s.ok()) return s;
  }
  return static_cast<int>(temps.size());
}

}  // namespace memwatch::alerting
