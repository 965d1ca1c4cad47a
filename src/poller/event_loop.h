// The poller's epoll instance plus an eventfd that other threads use to wake
// it (Stop, SetTargets, SetFastInterval). Level-triggered: a socket that
// still has bytes to read is reported again on the next Wait().
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "memwatch/clock.h"

namespace memwatch::poller {

class EventLoop {
 public:
  // Tag reserved for the wake-up eventfd; never pass it to Watch().
  static constexpr uint64_t kWakeTag = 0;

  struct Ready {
    uint64_t tag;     // as given to Watch()
    uint32_t events;  // EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP ...
  };

  // Creating the epoll and eventfd descriptors fails only when the process is
  // out of descriptors or memory; that is treated as fatal (logged, abort).
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts watching `fd` for `events`; readiness is reported with `tag`.
  // Returns false (errno set) if epoll refuses the descriptor.
  bool Watch(int fd, uint32_t events, uint64_t tag);
  // Changes the events watched on `fd`.
  bool Modify(int fd, uint32_t events, uint64_t tag);
  // Stops watching `fd`. Call before closing it, so a descriptor number
  // reused by another socket cannot inherit a stale registration.
  void Unwatch(int fd);

  // Thread-safe, async-signal-safe: makes the current or next Wait() return.
  void Wake();

  // Waits until a watched descriptor is ready, Wake() was called, or
  // `deadline` passes (never if nullopt). Fills `ready` (cleared first) with
  // the sockets' events; wake-ups are consumed, not reported.
  void Wait(std::optional<MonoTime> deadline, std::vector<Ready>* ready);

 private:
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace memwatch::poller
