// A real redis-server for integration tests: started on a free loopback port
// (and a unix socket) in its own temp dir, stopped and cleaned up by the
// destructor. Start-up waits until the server answers PING, never a fixed
// sleep.
//
//   RedisServer redis;                               // any free port
//   RedisServer secured({"--requirepass", "s3cret"});
//   RedisServer again({}, port);                     // on a given port
//   redis.Cli({"CONFIG", "SET", "maxmemory", "100mb"});
//   auto tls = RedisServer::Tls({.cert_dir = TestCertificates()});
//   tls->Cli({"PING"});                              // over TLS, via redis-cli
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/child_process.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {

class RedisServer {
 public:
  // A server that speaks only TLS: `--port 0 --tls-port <Port()>`, with
  // the files of tests/tls/make_certs.sh in `cert_dir`.
  struct TlsOptions {
    std::string cert_dir;       // holds ca.crt, client.crt/.key and the server's
    bool auth_clients = false;  // --tls-auth-clients yes: a client certificate is required
    // The server's certificate and key: <cert_dir>/<server_cert>.crt and
    // .key, e.g. "expired", "other" or "cn-only" for the failure tests.
    std::string server_cert = "server";
  };

  // Starts /usr/bin/redis-server (or $MEMWATCH_REDIS_SERVER) with no
  // persistence, bound to 127.0.0.1 and to <Dir()>/redis.sock, plus
  // `extra_args` (which win over the defaults). port 0 picks a free port,
  // retrying with another if someone takes it first. Throws
  // std::runtime_error (with the server's log) if it is not answering within
  // 10 s; gtest reports that as the test's failure.
  explicit RedisServer(std::vector<std::string> extra_args = {}, int port = 0);
  // The same over TLS only: Port() is the TLS port; the plain port is off
  // (the unix socket stays plain). Start-up waits for PING over TLS. A
  // factory, so that RedisServer({}, port) stays unambiguous.
  static std::unique_ptr<RedisServer> Tls(TlsOptions tls,
                                          const std::vector<std::string>& extra_args = {},
                                          int port = 0);
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
  // Over TLS it runs redis-cli ($MEMWATCH_REDIS_CLI, else /usr/bin/
  // redis-cli; hiredis 0.14 has no TLS) with --cacert
  // ca.crt and the client certificate client.crt/.key, in raw mode: the
  // same text, except that nil reads "" and a failure to connect or
  // handshake, or a lost connection, "(connect error) <redis-cli's
  // message>".
  std::string Cli(const std::vector<std::string>& args) const;
  // Whether it speaks TLS, and with which files.
  const std::optional<TlsOptions>& Tls() const { return tls_; }

 private:
  RedisServer(std::optional<TlsOptions> tls, const std::vector<std::string>& extra_args, int port);
  // Starts it on port_ (picking one if 0), retrying on another port if
  // port_ was picked and taken meanwhile; throws if it does not start.
  void StartOnSomePort(const std::vector<std::string>& extra_args, bool pick_port);
  // Returns "" when the server answers PING, else why it did not start.
  std::string Start(const std::vector<std::string>& extra_args);
  // Cli over TLS, with redis-cli.
  std::string TlsCli(const std::vector<std::string>& args, std::chrono::seconds timeout) const;

  TempDir dir_;  // redis.log, redis.sock; outlives the process
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;  // null once stopped
  std::optional<std::string> password_;    // from --requirepass, for Cli()
  std::optional<TlsOptions> tls_;          // set iff it speaks TLS
};

// A TCP port on 127.0.0.1 that nothing listened on a moment ago (bound to
// port 0, then closed). For tests that need a dead port.
int FreeLoopbackPort();

// Descriptors open in this process right now (entries of /proc/self/fd).
int OpenFdCount();

}  // namespace memwatch::testing
