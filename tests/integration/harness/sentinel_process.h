// A real Redis Sentinel for integration tests: `redis-server sentinel.conf
// --sentinel` on a free loopback port, in its own temp dir (Sentinel
// rewrites its config file), monitoring one primary as `master_name`.
// Start-up waits until it names the primary; the destructor kills it.
//
//   SentinelProcess s(primary.Port());
//   s.PrimaryAddress();  // "127.0.0.1:6379"
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {

class SentinelProcess {
 public:
  struct Options {
    std::string master_name = "mymaster";
    int quorum = 2;
    int down_after_ms = 2000;
    int failover_timeout_ms = 3000;
  };
  // Throws std::runtime_error (with its log) when it does not start in 10 s.
  SentinelProcess(int primary_port, Options options);
  explicit SentinelProcess(int primary_port) : SentinelProcess(primary_port, Options{}) {}
  ~SentinelProcess();
  SentinelProcess(const SentinelProcess&) = delete;
  SentinelProcess& operator=(const SentinelProcess&) = delete;

  int Port() const { return port_; }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;
  // SIGKILL, waited for. Idempotent.
  void Kill();
  // One command, its reply rendered as RedisServer::Cli does.
  std::string Cli(const std::vector<std::string>& args) const;
  // SENTINEL GET-MASTER-ADDR-BY-NAME as "ip:port"; "" on any failure.
  std::string PrimaryAddress() const;

 private:
  // "" once it names the primary, else why not.
  std::string Start(int primary_port);

  Options options_;
  TempDir dir_{"memwatch-sentinel"};
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace memwatch::testing
