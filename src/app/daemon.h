// The daemon: wires config, poller, check engine, metrics endpoint and
// systemd notifications, and runs until SIGTERM/SIGINT. Signals are blocked
// in every thread and taken synchronously by the main loop (sigtimedwait),
// so no code runs in signal context.
#pragma once

#include "app/systemd_notify.h"
#include "config/config.h"

namespace memwatch::app {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; call before any
// thread is started so every thread inherits the mask.
void BlockDaemonSignals();

// Runs until a stop signal; returns the process exit code. `config_path` is
// re-read on SIGHUP.
int RunDaemon(config::Config config, const std::string& config_path, SystemdNotifier* notifier);

}  // namespace memwatch::app
