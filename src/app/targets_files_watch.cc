#include "app/targets_files_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

namespace memwatch::app {
namespace {

constexpr uint32_t kEvents =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_DELETE_SELF;

// Reads and drops whatever `fd` has ready; returns true iff it had any.
bool Drain(int fd) {
  std::array<char, 4096> buf{};
  bool any = false;
  while (read(fd, buf.data(), buf.size()) > 0) any = true;
  return any;
}

}  // namespace

TargetsFilesWatch::TargetsFilesWatch(Callback on_change, std::chrono::milliseconds refresh,
                                     std::chrono::milliseconds debounce)
    : on_change_(std::move(on_change)), refresh_(refresh), debounce_(debounce) {
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    spdlog::warn("targets files: inotify unavailable ({}); re-reading every {} s only",
                 std::generic_category().message(errno), refresh_.count() / 1000);
  }
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

TargetsFilesWatch::~TargetsFilesWatch() {
  Stop();
  if (inotify_fd_ >= 0) close(inotify_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void TargetsFilesWatch::Watch(const std::vector<std::string>& patterns) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    patterns_ = patterns;
  }
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Run(); });
  } else {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof one);
  }
}

void TargetsFilesWatch::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  const uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void TargetsFilesWatch::Rewatch() {
  if (inotify_fd_ < 0) return;
  for (int wd : watches_) inotify_rm_watch(inotify_fd_, wd);
  watches_.clear();
  std::set<std::string> dirs;
  {
    std::lock_guard lock(mu_);
    for (const std::string& p : patterns_) {
      dirs.insert(std::filesystem::path(p).parent_path().string());
    }
  }
  all_watched_ = true;
  for (const std::string& dir : dirs) {
    const int wd = inotify_add_watch(inotify_fd_, dir.c_str(), kEvents | IN_ONLYDIR);
    if (wd < 0) {
      all_watched_ = false;
      // Once per directory: the periodic re-read tries again quietly.
      if (warned_.insert(dir).second) {
        spdlog::warn("targets files: cannot watch {} ({}); re-reading every {} s", dir,
                     std::generic_category().message(errno), refresh_.count() / 1000);
      }
      continue;
    }
    if (warned_.erase(dir) > 0) spdlog::info("targets files: watching {}", dir);
    watches_.push_back(wd);
  }
}

void TargetsFilesWatch::Run() {
  using Clock = std::chrono::steady_clock;
  Rewatch();
  Clock::time_point next_refresh = Clock::now() + refresh_;
  // An event came; call once debounce_ passes quietly. True at first: a
  // file written after the caller's own read but before Rewatch() above
  // raised no event, and would wait for the refresh otherwise.
  bool pending = true;
  for (;;) {
    std::array<pollfd, 2> fds{{{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}}};
    const auto until_refresh =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh - Clock::now());
    const auto wait = pending ? debounce_ : std::max(until_refresh, std::chrono::milliseconds(0));
    const int n = poll(fds.data(), inotify_fd_ >= 0 ? 2 : 1, static_cast<int>(wait.count()));
    if (n < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) {
      Drain(wake_fd_);
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      Rewatch();
      pending = true;  // the patterns changed: read them
      continue;
    }
    if (n > 0 && fds[1].revents != 0) {
      pending = Drain(inotify_fd_) || pending;
      continue;  // wait until the burst is over
    }
    // A quiet period: after events, or at the refresh time.
    if (pending || Clock::now() >= next_refresh) {
      // A directory that did not exist may exist now.
      if (!pending && !all_watched_) Rewatch();
      pending = false;
      next_refresh = Clock::now() + refresh_;
      on_change_();
    }
  }
}

}  // namespace memwatch::app
