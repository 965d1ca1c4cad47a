// Every command a redis-server runs, with the server's own timestamp: a
// `redis-cli monitor` child writing to a file. For tests that assert on
// when something happened (the gaps between a daemon's polls or AUTH
// attempts), measured at the event itself rather than counted in a
// wall-clock window. Redis shows AUTH's arguments as "(redacted)".
//
//   RedisServer redis;
//   RedisMonitor monitor(redis);  // attached when this returns
//   ... start the daemon ...
//   for (const RedisMonitor::Command& c : monitor.Commands("info")) ...
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/child_process.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {

class RedisMonitor {
 public:
  struct Command {
    double time = 0;                // Redis' wall clock, seconds since the epoch
    std::string client;             // "127.0.0.1:PORT" or "unix:/path"
    std::vector<std::string> argv;  // as sent, unescaped
  };

  // Runs MONITOR on `redis` (with its password, if any) and returns once
  // Redis has acknowledged it, so every later command is recorded. Throws
  // std::runtime_error if that takes more than 10 s.
  explicit RedisMonitor(const RedisServer& redis);

  // The commands recorded so far, in order; only those named `name`
  // (case-insensitive) unless it is "".
  std::vector<Command> Commands(std::string_view name = "") const;
  // Commands(name).size() >= n within `timeout`.
  bool WaitForCommands(std::string_view name, size_t n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
};

// Gaps between consecutive `times` (seconds), in milliseconds.
std::vector<double> GapsMs(const std::vector<double>& times);

}  // namespace memwatch::testing
