#include "config/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "memwatch/errno_text.h"

namespace memwatch::config {
namespace {

constexpr size_t kMaxSecretFileBytes = size_t{64} * 1024;

std::string CannotRead(const std::string& path, const std::string& reason) {
  return fmt::format("cannot read '{}': {}", path, reason);
}

// Closes the descriptor on every return path.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

}  // namespace

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not hang the daemon's start.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::Error(ErrnoText(errno));
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::Error(ErrnoText(errno));
  if (S_ISDIR(st.st_mode)) return Status::Error(ErrnoText(EISDIR));
  if (!S_ISREG(st.st_mode)) return Status::Error("not a regular file");
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error(ErrnoText(errno));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > max_bytes) {
      return Status::Error(fmt::format("larger than {} bytes", max_bytes));
    }
  }
  return content;
}

std::string ResolveConfigPath(const std::string& path, const std::string& config_file) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(config_file).parent_path() / p).string();
}

Result<Secret> ReadSecretFile(const std::string& path, std::string_view what) {
  Result<std::string> content = ReadSmallFile(path, kMaxSecretFileBytes);
  if (!content.ok()) return Status::Error(CannotRead(path, content.status().message()));
  std::string secret = std::move(content).value();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::Error(fmt::format("'{}' is empty; expected {}", path, what));
  return Secret(std::move(secret));
}

Status CheckReadableFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Status::Error(CannotRead(path, ErrnoText(errno)));
  FdCloser closer(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::Error(CannotRead(path, ErrnoText(errno)));
  if (S_ISDIR(st.st_mode)) return Status::Error(CannotRead(path, ErrnoText(EISDIR)));
  if (!S_ISREG(st.st_mode)) return Status::Error(CannotRead(path, "not a regular file"));
  return Status::Ok();
}

}  // namespace memwatch::config
