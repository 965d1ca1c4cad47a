#include "harness/flaky_proxy.h"

#include "harness/loopback_socket.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace memwatch::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// True iff `received` holds a complete line that starts with EHLO.
bool HasEhloLine(const std::string& received) {
  size_t begin = 0;
  for (size_t end = received.find('\n'); end != std::string::npos;
       begin = end + 1, end = received.find('\n', begin)) {
    if (received.compare(begin, 4, "EHLO") == 0) return true;
  }
  return false;
}

}  // namespace

FlakyProxy::FlakyProxy(int upstream_port, Behaviour behaviour, int misbehaving)
    : upstream_port_(upstream_port), behaviour_(behaviour), misbehaving_(misbehaving) {
  listen_fd_ = ListenOnLoopback("FlakyProxy", &port_);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    close(listen_fd_);
    throw std::runtime_error("FlakyProxy: no eventfd");
  }
  accept_thread_ = std::thread(&FlakyProxy::AcceptLoop, this);
}

FlakyProxy::~FlakyProxy() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(stop_fd_, &one, sizeof(one));  // stays readable
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(connection_threads_);
  }
  for (std::thread& t : threads) t.join();
  close(listen_fd_);
  close(stop_fd_);
}

std::vector<std::chrono::steady_clock::duration> FlakyProxy::MisbehavedLifetimes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misbehaved_for_;
}

bool FlakyProxy::WaitFor(int fd, short events) { return WaitForOrStop(fd, events, stop_fd_); }

bool FlakyProxy::SendAll(int fd, std::string_view bytes) {
  return SendAllOrStop(fd, bytes, stop_fd_);
}

void FlakyProxy::AcceptLoop() {
  while (WaitFor(listen_fd_, POLLIN)) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;
    const bool misbehave = ++accepted_ <= misbehaving_;
    std::lock_guard<std::mutex> lock(mu_);
    connection_threads_.emplace_back(misbehave ? &FlakyProxy::Misbehave : &FlakyProxy::Forward,
                                     this, fd);
  }
}

void FlakyProxy::Misbehave(int fd) {
  const auto start = std::chrono::steady_clock::now();
  switch (behaviour_) {
    case Behaviour::kReset: {
      char buffer[4096];
      if (WaitFor(fd, POLLIN)) {
        [[maybe_unused]] const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      }
      const linger reset = {1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
      break;
    }
    case Behaviour::kStallAfterEhlo:
      StallAfterEhlo(fd);
      break;
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  misbehaved_for_.push_back(std::chrono::steady_clock::now() - start);
}

void FlakyProxy::StallAfterEhlo(int fd) {
  if (!SendAll(fd, "220 flaky ESMTP\r\n")) return;
  std::string received;
  bool stalled = false;  // EHLO was answered: read and drop from now on
  char buffer[4096];
  while (WaitFor(fd, POLLIN)) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;  // the client closed
    if (n < 0 || stalled) continue;
    received.append(buffer, static_cast<size_t>(n));
    if (HasEhloLine(received)) {
      stalled = true;
      if (!SendAll(fd, "250 flaky\r\n")) return;
    }
  }
}

void FlakyProxy::Forward(int fd) {
  const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = Loopback(upstream_port_);
  if (upstream < 0 ||
      connect(upstream, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    if (upstream >= 0) close(upstream);
    close(fd);
    return;
  }
  // Copies whatever either side sends to the other until one of them
  // closes (neither HTTP nor SMTP clients half-close) or the proxy stops.
  pollfd fds[3] = {{fd, POLLIN, 0}, {upstream, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  char buffer[16 * 1024];
  bool open = true;
  while (open) {
    if (poll(fds, 3, -1) < 0) {
      open = errno == EINTR;
      continue;
    }
    if ((fds[2].revents & POLLIN) != 0) break;
    for (int from = 0; from < 2 && open; ++from) {
      if (fds[from].revents == 0) continue;
      const ssize_t n = recv(fds[from].fd, buffer, sizeof(buffer), 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      open = n > 0 && SendAll(fds[1 - from].fd, std::string_view(buffer, static_cast<size_t>(n)));
    }
  }
  close(upstream);
  close(fd);
}

}  // namespace memwatch::testing
