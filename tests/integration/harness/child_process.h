// One way for the integration harness to run another program: redis-server,
// the built daemon, Alertmanager, the Python receivers, openssl, promtool.
//
//   ChildProcess redis({.argv = {"/usr/bin/redis-server", "--port", "0"},
//                       .stdout_path = dir.File("redis.log"),
//                       .stderr_path = dir.File("redis.log")});
//   ...
//   redis.Stop();  // SIGTERM, SIGKILL after 5 s, reaped
//
// Guarantees: the child is started with execve (no PATH search, no shell),
// stdin from /dev/null, and no descriptor but 0-2 (whatever the test has
// open, e.g. a hiredis socket, is closed at the exec); it is always reaped by its own pid (never
// waitpid(-1), which would take other tests' children), so it never stays
// a zombie; and it never outlives the test binary: the destructor kills it,
// and PR_SET_PDEATHSIG kills it if the test binary dies first (a crash, a
// ctest timeout). PR_SET_PDEATHSIG follows the *thread* that started the
// child: start children from the test's own thread, not from a thread that
// ends before them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace memwatch::testing {

// The Python every fixture script runs under: Debian's, which has
// python3-aiosmtpd. A `python3` on PATH may be a pyenv shim, whose pid is
// not the server's (see /work/shared/ENVIRONMENT.md).
inline constexpr char kPython3[] = "/usr/bin/python3";

class ChildProcess {
 public:
  struct Options {
    // argv[0] is the program's path, run as is.
    std::vector<std::string> argv;
    // "NAME=value" entries set on top of (or replacing) this process's
    // environment.
    std::vector<std::string> env;
    std::string cwd;  // "" keeps the test's
    // Files the child's stdout / stderr are appended to (created 0600);
    // "" is /dev/null. The same path for both gives one interleaved log.
    std::string stdout_path;
    std::string stderr_path;
  };

  // Starts the program. Throws std::runtime_error when it cannot be run
  // (no such file, not executable, a log file that cannot be opened): the
  // exec's own error, not a mysterious exit code 127 later.
  explicit ChildProcess(Options options);
  // Kill() unless it was stopped already.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const Options& options() const { return options_; }

  // True until it has exited (reaping it when it has).
  bool Running();
  // Its exit code, or 128 + the signal that killed it; nullopt while it runs.
  std::optional<int> ExitCode();
  // Sends `sig` if it is still running (a reaped pid may have been reused).
  void Signal(int sig);
  // Waits up to `timeout` for it to exit by itself; its exit code, or
  // nullopt if it is still running then. Waits on a pidfd: no polling.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Sends `sig` (and SIGCONT, so a stopped child can act on it), waits up
  // to `grace`, then SIGKILL; always returns with the child reaped.
  // Returns its exit code (or 128 + signal). Idempotent.
  int Stop(int sig, std::chrono::milliseconds grace = std::chrono::seconds(5));
  // SIGKILL and reap. Returns the exit code (or 128 + signal). Idempotent.
  int Kill();

 private:
  // Records the status if `pid_` has exited; blocks when `block`.
  void Reap(bool block);

  Options options_;
  pid_t pid_ = -1;
  int pidfd_ = -1;  // readable once the child has exited
  std::optional<int> exit_code_;
};

// Runs a program to completion (at most `timeout`, then it is killed) and
// returns its exit code and what it printed.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout
  std::string error;   // stderr
};
CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace memwatch::testing
