// A real HTTP receiver on loopback for the notifier integration tests:
// tests/integration/harness/http_receiver.py run by /usr/bin/python3 on a
// port the kernel picks, answering POSTs from a script (200 / 500 / 429 with
// Retry-After / 400 invalid_payload / slow) and logging each one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/temp_dir.h"  // ScopedTempDir, for the tests that include only this
#include "harness/wait_for.h"  // PollUntil, likewise

namespace memwatch::testing {

// A helper server written in Python: started with /usr/bin/python3 (never a
// pyenv shim, whose PID is not the server's), it prints "PORT <n>" when it
// listens. Killed by its PID in the destructor. Shared by HttpReceiver and
// SmtpReceiver.
class ScriptProcess {
 public:
  // Starts `/usr/bin/python3 <script> <args...>` and waits up to 10 s for its
  // port. On failure port() is 0 and error() says why (with what the script
  // wrote to stderr).
  ScriptProcess(const std::string& script, const std::vector<std::string>& args);
  ~ScriptProcess();
  ScriptProcess(const ScriptProcess&) = delete;
  ScriptProcess& operator=(const ScriptProcess&) = delete;

  int port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  TempDir dir_;  // stdout (the port line) and stderr; outlives the process
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
  std::string error_;
};

class HttpReceiver {
 public:
  struct Answer {
    int status = 200;
    std::string body = "ok";
    std::optional<std::string> retry_after;
    int delay_ms = 0;  // wait this long before answering
    // When set: the answer to every POST until this CLOCK_MONOTONIC time
    // (seconds, as MonotonicSeconds() in the tests and Python's
    // time.monotonic()); after it, the script moves on to the next entry.
    std::optional<double> until;
  };
  struct Request {
    double t = 0;  // the receiver's monotonic clock, seconds
    std::string path;
    std::map<std::string, std::string> headers;
    std::string body;
    int status = 0;  // what it answered
  };

  // Answers POSTs with `script` in order (an entry with `until` for as long
  // as it lasts), then 200 "ok".
  explicit HttpReceiver(const std::vector<Answer>& script = {});

  int port() const { return process_->port(); }
  const std::string& error() const { return process_->error(); }
  std::string Url(const std::string& path = "/hook") const;

  // Every POST received so far, in arrival order.
  std::vector<Request> Requests() const;
  bool WaitForRequests(size_t n,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  TempDir dir_{"memwatch-http"};
  std::string log_;
  std::unique_ptr<ScriptProcess> process_;
};

// A TCP port on 127.0.0.1 with nothing listening (bound, then closed).
int ClosedLoopbackPort();

}  // namespace memwatch::testing
