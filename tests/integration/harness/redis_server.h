// A real redis-server for integration tests: started on a free loopback port
// (and a unix socket) in its own temp dir, stopped and cleaned up by the
// destructor. Start-up waits until the server answers PING, never a fixed
// sleep.
//
//   RedisServer redis;                               // any free port
//   RedisServer secured({"--requirepass", "s3cret"});
//   RedisServer again({}, port);                     // on a given port
//   redis.Cli({"CONFIG", "SET", "maxmemory", "100mb"});
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {

class RedisServer {
 public:
  // Starts /usr/bin/redis-server (or $MEMWATCH_REDIS_SERVER) with no
  // persistence, bound to 127.0.0.1 and to <Dir()>/redis.sock, plus
  // `extra_args` (which win over the defaults). port 0 picks a free port,
  // retrying with another if someone takes it first. Throws
  // std::runtime_error (with the server's log) if it is not answering within
  // 10 s; gtest reports that as the test's failure.
  explicit RedisServer(std::vector<std::string> extra_args = {}, int port = 0);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int Port() const { return port_; }
  std::string UnixSocket() const { return dir_.File("redis.sock"); }
  std::string Dir() const { return dir_.path(); }
  // The server's pid while it runs, -1 once stopped.
  pid_t Pid() const { return process_ ? process_->pid() : -1; }
  // The --requirepass it was started with, if any.
  const std::optional<std::string>& Password() const { return password_; }
  // Everything the server logged so far.
  std::string Log() const;

  // SIGTERM, SIGKILL after 5 s; waits for the process. Idempotent. Port()
  // stays valid, so a new RedisServer can take the port over.
  void Stop();
  // SIGSTOP / SIGCONT. While paused, connects still succeed (the kernel's
  // backlog accepts them) but no command is answered.
  void Pause();
  void Resume();

  // Runs one command on a fresh blocking connection (AUTH first when
  // --requirepass was given) and returns the reply as text: strings, status
  // and integers as they read, nil as "(nil)", an error as "(error) <text>",
  // an array as its elements joined by '\n'. Times out after 5 s.
  std::string Cli(const std::vector<std::string>& args) const;

 private:
  // Returns "" when the server answers PING, else why it did not start.
  std::string Start(const std::vector<std::string>& extra_args);

  TempDir dir_;  // redis.log, redis.sock; outlives the process
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;  // null once stopped
  std::optional<std::string> password_;    // from --requirepass, for Cli()
};

// A TCP port on 127.0.0.1 that nothing listened on a moment ago (bound to
// port 0, then closed). For tests that need a dead port.
int FreeLoopbackPort();

// Descriptors open in this process right now (entries of /proc/self/fd).
int OpenFdCount();

}  // namespace memwatch::testing
