// Runs the built redis-memwatch binary as a child process for end-to-end
// tests: writes its config into a temp dir, captures stderr to a file,
// finds the metrics port it logged, and talks HTTP to it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace memwatch::testing {

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct HttpResponse {
  int status = 0;
  std::string body;
};
// A blocking GET to 127.0.0.1:port; nullopt when it cannot connect.
std::optional<HttpResponse> HttpGet(int port, const std::string& path);
// The same to another IPv4 address (e.g. 127.0.0.2, loopback too).
std::optional<HttpResponse> HttpGet(const std::string& ipv4, int port, const std::string& path);

// Runs a command to completion; returns its exit code and combined output.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
  std::string error;   // stderr
};
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

class DaemonProcess {
 public:
  // Writes `config_yaml` to <tempdir>/config.yml and starts
  // `redis-memwatch --config ... --log-level debug` with `extra_env`.
  DaemonProcess(const std::string& config_yaml, std::vector<std::string> extra_args = {},
                std::vector<std::string> extra_env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Waits for the "metrics on http://HOST:PORT/metrics" log line; 0 on timeout.
  int WaitForPort(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // GET /metrics and return the body ("" if unreachable).
  std::string Metrics();
  // The value of one series, e.g. `redis_up{target="a"}`; nullopt if absent.
  std::optional<double> Value(const std::string& series);

  std::string Log() const;  // everything written to stderr so far
  std::string ConfigPath() const { return dir_ + "/config.yml"; }
  std::string Dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // SIGTERM and wait; returns the exit code (or 128+signal), -1 on timeout.
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::optional<int> exit_code_;
};

// Extracts a series value from Prometheus text; nullopt if absent.
std::optional<double> SeriesValue(const std::string& text, const std::string& series);

}  // namespace memwatch::testing
