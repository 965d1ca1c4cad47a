#include "harness/child_process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness/temp_dir.h"

extern char** environ;

namespace memwatch::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// This process's environment with `overrides` ("NAME=value") set on top.
std::vector<std::string> Environment(const std::vector<std::string>& overrides) {
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    bool overridden = false;
    for (const std::string& o : overrides) overridden = overridden || name_of(o) == name_of(entry);
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), overrides.begin(), overrides.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Opens `path` for the child's output ("" = /dev/null), close-on-exec.
int OpenOutput(const std::string& path) {
  const std::string& target = path.empty() ? std::string("/dev/null") : path;
  const int fd = open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + target + ": " + std::strerror(errno));
  return fd;
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(pid_t parent, int in, int out, int err, int error_pipe, const char* cwd,
                            char* const argv[], char* const envp[]) {
  // Die with the test binary, and do not start at all if it is gone.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  // Signals the test blocked or ignored must not stick to the program.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  dup2(in, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(err, STDERR_FILENO);
  // Nothing else the test has open (sockets, pipes, files) reaches it.
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  int error = 0;
  if (cwd != nullptr && chdir(cwd) != 0) {
    error = errno;
  } else {
    execve(argv[0], argv, envp);
    error = errno;
  }
  while (write(error_pipe, &error, sizeof error) < 0 && errno == EINTR) {
  }
  _exit(127);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ChildProcess::ChildProcess(Options options) : options_(std::move(options)) {
  if (options_.argv.empty()) throw std::invalid_argument("ChildProcess: empty argv");
  // Everything the child needs is prepared here: after fork() it may not
  // allocate (another thread may hold the allocator's lock).
  std::vector<std::string> argv = options_.argv;
  std::vector<std::string> env = Environment(options_.env);
  std::vector<char*> argv_ptrs = Pointers(argv);
  std::vector<char*> env_ptrs = Pointers(env);
  const char* cwd = options_.cwd.empty() ? nullptr : options_.cwd.c_str();

  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = -1, err = -1;
  int error_pipe[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {in, out, err, error_pipe[0], error_pipe[1]}) {
      if (fd >= 0) close(fd);
    }
  };
  try {
    out = OpenOutput(options_.stdout_path);
    err =
        options_.stderr_path == options_.stdout_path ? dup(out) : OpenOutput(options_.stderr_path);
  } catch (...) {
    close_all();
    throw;
  }
  if (in < 0 || err < 0 || pipe2(error_pipe, O_CLOEXEC) != 0) {
    const std::string why = std::strerror(errno);
    close_all();
    throw std::runtime_error("cannot prepare " + argv[0] + ": " + why);
  }

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    ExecChild(parent, in, out, err, error_pipe[1], cwd, argv_ptrs.data(), env_ptrs.data());
  }
  const int fork_errno = errno;
  close(error_pipe[1]);
  error_pipe[1] = -1;
  if (pid_ < 0) {
    close_all();
    throw std::runtime_error("fork for " + argv[0] + ": " + std::strerror(fork_errno));
  }
  // The pipe closes at a successful exec; otherwise it carries the errno.
  int exec_errno = 0;
  ssize_t n;
  while ((n = read(error_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  close_all();
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    Reap(/*block=*/true);
    throw std::runtime_error("cannot run " + argv[0] +
                             (cwd != nullptr ? " in " + options_.cwd : std::string()) + ": " +
                             std::strerror(exec_errno));
  }
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
}

ChildProcess::~ChildProcess() { Kill(); }

void ChildProcess::Reap(bool block) {
  if (exit_code_ || pid_ <= 0) return;
  int status = 0;
  pid_t r;
  while ((r = waitpid(pid_, &status, block ? 0 : WNOHANG)) < 0 && errno == EINTR) {
  }
  if (r == pid_) {
    exit_code_ = DecodeStatus(status);
  } else if (r < 0) {
    exit_code_ = -1;  // ECHILD: someone else reaped it; nothing left to wait for
  }
  if (exit_code_ && pidfd_ >= 0) {
    close(pidfd_);
    pidfd_ = -1;
  }
}

bool ChildProcess::Running() {
  Reap(/*block=*/false);
  return !exit_code_.has_value();
}

std::optional<int> ChildProcess::ExitCode() {
  Reap(/*block=*/false);
  return exit_code_;
}

void ChildProcess::Signal(int sig) {
  // Until we reap it, the pid cannot be reused: kill() reaches our child.
  if (!exit_code_) kill(pid_, sig);
}

std::optional<int> ChildProcess::Wait(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (Running()) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left <= milliseconds(0)) break;
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      poll(&p, 1, static_cast<int>(left.count()));
    } else {
      // No pidfd (kernel < 5.3): poll waitpid.
      std::this_thread::sleep_for(std::min(left, milliseconds(5)));
    }
  }
  return exit_code_;
}

int ChildProcess::Stop(int sig, milliseconds grace) {
  if (!exit_code_) {
    Signal(sig);
    if (sig != SIGKILL) Signal(SIGCONT);  // a stopped process cannot act on SIGTERM
    if (!Wait(grace)) Signal(SIGKILL);
    Reap(/*block=*/true);
  }
  return *exit_code_;
}

int ChildProcess::Kill() { return Stop(SIGKILL, milliseconds(0)); }

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env, milliseconds timeout) {
  TempDir dir("memwatch-cmd");
  CommandResult r;
  try {
    ChildProcess child({.argv = argv,
                        .env = extra_env,
                        .stdout_path = dir.File("out"),
                        .stderr_path = dir.File("err")});
    if (!child.Wait(timeout)) {
      child.Kill();
      r.error = "killed after " + std::to_string(timeout.count()) + " ms\n";
    }
    r.exit_code = *child.ExitCode();
  } catch (const std::runtime_error& e) {
    r.exit_code = 127;
    r.error = std::string(e.what()) + "\n";
    return r;
  }
  r.output = ReadFile(dir.File("out"));
  r.error = ReadFile(dir.File("err")) + r.error;
  return r;
}

}  // namespace memwatch::testing
