#include "app/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace memwatch::app {
namespace {

void Notify(std::string_view message) {
  // Nothing in the process sets environment variables: reading is safe.
  const char* socket_name = std::getenv("NOTIFY_SOCKET");  // NOLINT(concurrency-mt-unsafe)
  if (socket_name == nullptr) return;                      // not run by a service manager
  SendNotifyDatagram(socket_name, message);
}

// A whole decimal number, nothing before or after it (no sign, no spaces).
template <typename T>
std::optional<T> WholeNumber(const char* text) {
  if (text == nullptr) return std::nullopt;
  const char* end = text + std::strlen(text);
  T value{};
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || ptr == text) return std::nullopt;
  return value;
}

}  // namespace

bool SendNotifyDatagram(std::string_view notify_socket, std::string_view message) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // An abstract name may use the whole of sun_path; a path needs its NUL.
  const bool abstract = !notify_socket.empty() && notify_socket[0] == '@';
  const size_t max_len = sizeof(addr.sun_path) - (abstract ? 0 : 1);
  if (notify_socket.size() < 2 || notify_socket.size() > max_len) return false;
  if (!abstract && notify_socket[0] != '/') return false;
  std::memcpy(addr.sun_path, notify_socket.data(), notify_socket.size());
  if (abstract) addr.sun_path[0] = '\0';
  // Abstract names are exactly as long as given: no trailing NUL counted.
  const auto addr_len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + notify_socket.size());

  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                              reinterpret_cast<const sockaddr*>(&addr), addr_len);
  close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

std::optional<std::chrono::microseconds> ParseWatchdogPeriod(const char* watchdog_usec,
                                                             const char* watchdog_pid, pid_t self) {
  const std::optional<uint64_t> usec = WholeNumber<uint64_t>(watchdog_usec);
  // libsystemd refuses 0 and USEC_INFINITY (UINT64_MAX); chrono needs int64.
  if (!usec || *usec == 0 || *usec > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  if (watchdog_pid != nullptr) {
    const std::optional<pid_t> pid = WholeNumber<pid_t>(watchdog_pid);
    if (!pid || *pid <= 0 || *pid != self) return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<int64_t>(*usec));
}

void SocketSystemdNotifier::Ready() { Notify("READY=1\nSTATUS=Watching Redis"); }

void SocketSystemdNotifier::Reloading() { Notify("RELOADING=1"); }

void SocketSystemdNotifier::Stopping() { Notify("STOPPING=1"); }

void SocketSystemdNotifier::Watchdog() { Notify("WATCHDOG=1"); }

void SocketSystemdNotifier::Status(const std::string& text) { Notify("STATUS=" + text); }

std::optional<std::chrono::microseconds> SocketSystemdNotifier::WatchdogPeriod() const {
  // Nothing in the process sets environment variables: reading is safe.
  return ParseWatchdogPeriod(std::getenv("WATCHDOG_USEC"),  // NOLINT(concurrency-mt-unsafe)
                             std::getenv("WATCHDOG_PID"),   // NOLINT(concurrency-mt-unsafe)
                             getpid());
}

}  // namespace memwatch::app
