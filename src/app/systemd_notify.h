// sd_notify(3) messages to the service manager. Without NOTIFY_SOCKET (not
// under systemd, or Type=simple) every call is a cheap no-op.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace memwatch::app {

class SystemdNotifier {
 public:
  virtual ~SystemdNotifier() = default;
  virtual void Ready() = 0;
  virtual void Reloading() = 0;
  virtual void Stopping() = 0;
  virtual void Watchdog() = 0;
  virtual void Status(const std::string& text) = 0;
  // The watchdog period systemd expects pings within (WATCHDOG_USEC), if any.
  virtual std::optional<std::chrono::microseconds> WatchdogPeriod() const = 0;
};

// The notify protocol without libsystemd (whose shared library and its own
// dependencies cost ~1 MiB of RSS): each message is one datagram to the
// AF_UNIX socket named by $NOTIFY_SOCKET, a path, or an abstract-namespace
// name when it starts with '@'. The environment is read at every call, as
// libsystemd does. Sending is best effort: failures are ignored.
class SocketSystemdNotifier : public SystemdNotifier {
 public:
  void Ready() override;
  void Reloading() override;
  void Stopping() override;
  void Watchdog() override;
  void Status(const std::string& text) override;
  std::optional<std::chrono::microseconds> WatchdogPeriod() const override;
};

// Sends `message` to the socket `notify_socket` names ("/run/..." or
// "@abstract"). Returns false when that is not a usable name (empty, or
// neither absolute nor abstract, or too long) or the datagram could not be
// sent.
bool SendNotifyDatagram(std::string_view notify_socket, std::string_view message);

// The watchdog period from WATCHDOG_USEC and WATCHDOG_PID as
// sd_watchdog_enabled(3) reads them: nullopt when WATCHDOG_USEC is unset,
// not a whole positive number of microseconds, or when WATCHDOG_PID is set
// and is not `self` (the variables were meant for another process). A null
// pointer means "unset".
std::optional<std::chrono::microseconds> ParseWatchdogPeriod(const char* watchdog_usec,
                                                             const char* watchdog_pid, pid_t self);

}  // namespace memwatch::app
