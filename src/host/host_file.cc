#include "host/host_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace memwatch::host {
namespace {

// strerror's text, without strerror's shared buffer.
std::string ErrnoText(int err) { return std::generic_category().message(err); }

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

// A read that failed: errno (0 when the reason is not one) and the reason.
struct ReadFailure {
  int error = 0;
  std::string reason;
};

// Reads into *content; on failure returns why. /proc files report size 0
// to fstat, so this reads until EOF rather than trusting st_size.
std::optional<ReadFailure> ReadAll(const std::string& path, size_t max_bytes,
                                   std::string* content) {
  // O_NONBLOCK: a FIFO planted where a file should be must not hang us.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ReadFailure{errno, ErrnoText(errno)};
  const FdCloser closer(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ReadFailure{errno, ErrnoText(errno)};
  if (S_ISDIR(st.st_mode)) return ReadFailure{EISDIR, ErrnoText(EISDIR)};
  if (!S_ISREG(st.st_mode)) return ReadFailure{0, "not a regular file"};
  std::array<char, size_t{8} * 1024> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ReadFailure{errno, ErrnoText(errno)};
    }
    if (n == 0) return std::nullopt;
    content->append(buffer.data(), static_cast<size_t>(n));
    if (content->size() > max_bytes) {
      return ReadFailure{0, fmt::format("larger than {} bytes", max_bytes)};
    }
  }
}

Status CannotRead(const std::string& path, const ReadFailure& failure) {
  return Status::Error(fmt::format("cannot read {}: {}", path, failure.reason));
}

}  // namespace

Result<std::string> ReadHostFile(const std::string& path, size_t max_bytes) {
  std::string content;
  if (const auto failure = ReadAll(path, max_bytes, &content)) return CannotRead(path, *failure);
  return content;
}

Result<std::optional<std::string>> ReadHostFileIfExists(const std::string& path, size_t max_bytes) {
  std::string content;
  if (const auto failure = ReadAll(path, max_bytes, &content)) {
    if (failure->error == ENOENT) return std::optional<std::string>();
    return CannotRead(path, *failure);
  }
  return std::optional<std::string>(std::move(content));
}

}  // namespace memwatch::host
