#include "host/host_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <functional>
#include <optional>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

#include "memwatch/errno_text.h"

namespace memwatch::host {
namespace {

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

// What a reader does with each chunk read: nullopt to go on, a failure to
// stop with it. kStopped is the failure that means "seen enough".
using ChunkSink = std::function<std::optional<ReadFailure>(std::string_view chunk)>;
constexpr int kStopped = -1;

// Feeds the file at `path` to `sink` 8 KiB at a time; on failure returns
// why. /proc files report size 0 to fstat, so this reads until EOF rather
// than trusting st_size.
std::optional<ReadFailure> ReadChunks(const std::string& path, const ChunkSink& sink) {
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
    if (auto failure = sink(std::string_view(buffer.data(), static_cast<size_t>(n)))) {
      return failure;
    }
  }
}

// Reads into *content; on failure returns why.
std::optional<ReadFailure> ReadAll(const std::string& path, size_t max_bytes,
                                   std::string* content) {
  return ReadChunks(path, [&](std::string_view chunk) -> std::optional<ReadFailure> {
    content->append(chunk);
    if (content->size() > max_bytes) {
      return ReadFailure{0, fmt::format("larger than {} bytes", max_bytes)};
    }
    return std::nullopt;
  });
}

// Splits chunks into lines for a LineVisitor, holding only the line that
// a chunk boundary cuts.
class LineSplitter {
 public:
  LineSplitter(const LineVisitor& on_line, size_t max_line_bytes)
      : on_line_(on_line), max_line_bytes_(max_line_bytes) {}

  std::optional<ReadFailure> Feed(std::string_view chunk) {
    for (size_t newline = chunk.find('\n'); newline != std::string_view::npos;
         newline = chunk.find('\n')) {
      if (auto failure = Take(chunk.substr(0, newline), true)) return failure;
      chunk.remove_prefix(newline + 1);
    }
    return Take(chunk, false);
  }

  // The last line, when the file does not end with a newline.
  std::optional<ReadFailure> Finish() {
    if (partial_.empty()) return std::nullopt;
    return Take({}, true);
  }

 private:
  // Adds `piece` to the current line and, when `complete`, hands it over.
  std::optional<ReadFailure> Take(std::string_view piece, bool complete) {
    if (partial_.size() + piece.size() > max_line_bytes_) {
      return ReadFailure{0,
                         fmt::format("line {} longer than {} bytes", number_ + 1, max_line_bytes_)};
    }
    if (!complete) {
      partial_.append(piece);
      return std::nullopt;
    }
    std::string_view line = piece;
    if (!partial_.empty()) line = partial_.append(piece);
    const bool go_on = on_line_(number_++, line);
    partial_.clear();
    if (!go_on) return ReadFailure{kStopped, {}};
    return std::nullopt;
  }

  const LineVisitor& on_line_;
  const size_t max_line_bytes_;
  size_t number_ = 0;
  std::string partial_;
};

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

Status VisitHostFileLines(const std::string& path, const LineVisitor& on_line,
                          size_t max_line_bytes) {
  LineSplitter splitter(on_line, max_line_bytes);
  std::optional<ReadFailure> failure =
      ReadChunks(path, [&](std::string_view chunk) { return splitter.Feed(chunk); });
  if (!failure) failure = splitter.Finish();
  if (failure && failure->error != kStopped) return CannotRead(path, *failure);
  return Status::Ok();
}

}  // namespace memwatch::host
