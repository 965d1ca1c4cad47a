#include "poller/event_loop.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace memwatch::poller {
namespace {

constexpr int kMaxEventsPerWait = 256;

// Milliseconds epoll_wait() may sleep: rounded up, so we never wake just
// before a deadline and spin until it passes.
int TimeoutMs(std::optional<MonoTime> deadline) {
  if (!deadline.has_value()) return -1;
  const auto left = *deadline - std::chrono::steady_clock::now();
  if (left <= left.zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0 || !Watch(wake_fd_, EPOLLIN, kWakeTag)) {
    spdlog::critical("poller: cannot create epoll/eventfd: {}",
                     std::generic_category().message(errno));
    std::abort();
  }
}

EventLoop::~EventLoop() {
  close(wake_fd_);
  close(epoll_fd_);
}

bool EventLoop::Watch(int fd, uint32_t events, uint64_t tag) {
  epoll_event event = {};
  event.events = events;
  event.data.u64 = tag;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

bool EventLoop::Modify(int fd, uint32_t events, uint64_t tag) {
  epoll_event event = {};
  event.events = events;
  event.data.u64 = tag;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) == 0;
}

void EventLoop::Unwatch(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::Wake() {
  const uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: a wake-up is pending.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

void EventLoop::Wait(std::optional<MonoTime> deadline, std::vector<Ready>* ready) {
  ready->clear();
  epoll_event events[kMaxEventsPerWait];
  const int n = epoll_wait(epoll_fd_, events, kMaxEventsPerWait, TimeoutMs(deadline));
  if (n < 0) {
    if (errno == EINTR) return;
    // EBADF, EFAULT, EINVAL: our bug, not the network's.
    spdlog::critical("poller: epoll_wait: {}", std::generic_category().message(errno));
    std::abort();
  }
  for (int i = 0; i < n; ++i) {
    if (events[i].data.u64 == kWakeTag) {
      uint64_t count = 0;
      [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof(count));
      continue;
    }
    ready->push_back({events[i].data.u64, events[i].events});
  }
}

}  // namespace memwatch::poller
