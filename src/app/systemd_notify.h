// sd_notify(3) messages to the service manager. Without NOTIFY_SOCKET (not
// under systemd, or Type=simple) every call is a cheap no-op.
#pragma once

#include <chrono>
#include <optional>
#include <string>

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

class LibsystemdNotifier : public SystemdNotifier {
 public:
  void Ready() override;
  void Reloading() override;
  void Stopping() override;
  void Watchdog() override;
  void Status(const std::string& text) override;
  std::optional<std::chrono::microseconds> WatchdogPeriod() const override;
};

}  // namespace memwatch::app
