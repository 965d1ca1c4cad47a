// Runs the built redis-memwatch binary as a child process for end-to-end
// tests: writes its config into a temp dir, captures stderr to a file,
// finds the metrics port it logged, and talks HTTP to it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"  // RunCommand, for the tests that include only this
#include "harness/temp_dir.h"
#include "harness/wait_for.h"  // WaitFor, likewise

namespace memwatch::testing {

struct HttpResponse {
  int status = 0;
  std::string head;  // the status line and headers
  std::string body;
};
// A blocking GET to 127.0.0.1:port; nullopt when it cannot connect.
std::optional<HttpResponse> HttpGet(int port, const std::string& path);
// The same to another IPv4 address (e.g. 127.0.0.2, loopback too).
std::optional<HttpResponse> HttpGet(const std::string& ipv4, int port, const std::string& path);

class DaemonProcess {
 public:
  // Writes `config_yaml` to <tempdir>/config.yml and starts
  // `redis-memwatch --config ... --log-level debug` with `extra_env`.
  DaemonProcess(const std::string& config_yaml, std::vector<std::string> extra_args = {},
                std::vector<std::string> extra_env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Waits for the "metrics on http://HOST:PORT[/PREFIX]/metrics" log line; 0
  // on timeout. Metrics() and Value() then use the route prefix.
  int WaitForPort(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // GET /metrics and return the body ("" if unreachable).
  std::string Metrics();
  // The value of one series, e.g. `redis_up{target="a"}`; nullopt if absent.
  std::optional<double> Value(const std::string& series);

  std::string Log() const;  // everything written to stderr so far
  std::string ConfigPath() const { return dir_.File("config.yml"); }
  std::string Dir() const { return dir_.path(); }
  pid_t pid() const { return child_->pid(); }
  bool Running();
  void Signal(int sig);
  // SIGTERM and wait; returns the exit code (or 128+signal), -1 on timeout
  // (the destructor then kills it).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  TempDir dir_;  // config.yml, stdout, stderr; outlives the child
  std::unique_ptr<ChildProcess> child_;
  int port_ = 0;
  std::string route_prefix_;  // from the same log line: "" or "/memwatch"
};

// Extracts a series value from Prometheus text; nullopt if absent.
std::optional<double> SeriesValue(const std::string& text, const std::string& series);

}  // namespace memwatch::testing
