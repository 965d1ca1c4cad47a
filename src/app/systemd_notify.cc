#include "app/systemd_notify.h"

#include <systemd/sd-daemon.h>

namespace memwatch::app {

void LibsystemdNotifier::Ready() { sd_notify(0, "READY=1\nSTATUS=Watching Redis"); }

void LibsystemdNotifier::Reloading() { sd_notify(0, "RELOADING=1"); }

void LibsystemdNotifier::Stopping() { sd_notify(0, "STOPPING=1"); }

void LibsystemdNotifier::Watchdog() { sd_notify(0, "WATCHDOG=1"); }

void LibsystemdNotifier::Status(const std::string& text) {
  sd_notify(0, ("STATUS=" + text).c_str());
}

std::optional<std::chrono::microseconds> LibsystemdNotifier::WatchdogPeriod() const {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) return std::chrono::microseconds(usec);
  return std::nullopt;
}

}  // namespace memwatch::app
