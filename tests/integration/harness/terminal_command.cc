#include "harness/terminal_command.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/temp_dir.h"

extern char** environ;

namespace memwatch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// In the child, after forkpty (which made the terminal its stdin, stdout,
// stderr and controlling terminal): only async-signal-safe calls.
[[noreturn]] void ExecOnTerminal(pid_t parent, int in, int out, char* const argv[]) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);  // stderr stays on the terminal
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(argv[0], argv, environ);
  _exit(127);
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TerminalCommandResult RunCommandWithStderrOnTerminal(const std::vector<std::string>& argv,
                                                     milliseconds timeout) {
  if (argv.empty()) throw std::invalid_argument("RunCommandWithStderrOnTerminal: empty argv");
  TempDir dir("memwatch-tty");
  const std::string out_path = dir.File("out");
  // Prepared before the fork: the child may not allocate.
  std::vector<std::string> args = argv;
  std::vector<char*> argv_ptrs;
  for (std::string& a : args) argv_ptrs.push_back(a.data());
  argv_ptrs.push_back(nullptr);
  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (in < 0 || out < 0) {
    const std::string why = std::strerror(errno);
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    throw std::runtime_error("cannot prepare " + argv[0] + ": " + why);
  }
  termios raw = {};
  cfmakeraw(&raw);
  winsize size = {};
  size.ws_row = 24;
  size.ws_col = 80;
  int master = -1;
  const pid_t parent = getpid();
  const pid_t pid = forkpty(&master, nullptr, &raw, &size);
  if (pid == 0) ExecOnTerminal(parent, in, out, argv_ptrs.data());
  const int fork_errno = errno;
  close(in);
  close(out);
  if (pid < 0) {
    throw std::runtime_error("forkpty for " + argv[0] + ": " + std::strerror(fork_errno));
  }
  // Other tests' children must not inherit the terminal's master side.
  fcntl(master, F_SETFD, FD_CLOEXEC);

  TerminalCommandResult r;
  // Once the child (and anything it started) has closed the terminal,
  // read() returns what is still buffered, then fails with EIO.
  const auto deadline = steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left <= milliseconds(0)) {
      r.timed_out = true;
      break;
    }
    pollfd p{master, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (ready <= 0) continue;  // nothing yet, or EINTR
    const ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      r.terminal.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;  // EIO: every writer has closed the terminal
    }
  }
  if (r.timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  close(master);
  r.exit_code = DecodeStatus(status);
  r.output = ReadFile(out_path);
  return r;
}

}  // namespace memwatch::testing
