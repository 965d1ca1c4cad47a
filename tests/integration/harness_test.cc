// The harness's own promises, which every integration test leans on:
// ChildProcess runs exactly what it is given, reports an exec failure,
// passes no stray descriptor, always reaps, and never leaves an orphan;
// TempDir cleans up unless MEMWATCH_KEEP_TEMP=1 asks it not to.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/child_process.h"
#include "harness/temp_dir.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace harness_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True iff `pid` no longer exists (not even as a zombie) within `timeout`.
// Works for a process that is not our child, through a pidfd.
bool GoneWithin(pid_t pid, milliseconds timeout) {
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd p{fd, POLLIN, 0};
  const bool exited = poll(&p, 1, static_cast<int>(timeout.count())) == 1;
  close(fd);
  return exited;
}

TEST(ChildProcessTest, RunsWithTheGivenEnvironmentDirectoryAndOutputs) {
  TempDir dir("memwatch-harness");
  ChildProcess child({.argv = {"/bin/sh", "-c", "echo \"$MEMWATCH_HARNESS_X\"; pwd; echo oops >&2"},
                      .env = {"MEMWATCH_HARNESS_X=forty-two"},
                      .cwd = dir.path(),
                      .stdout_path = dir.File("out"),
                      .stderr_path = dir.File("err")});
  EXPECT_EQ(child.Wait(seconds(10)), 0);
  EXPECT_EQ(ReadFile(dir.File("out")), "forty-two\n" + dir.path() + "\n");
  EXPECT_EQ(ReadFile(dir.File("err")), "oops\n");
}

TEST(ChildProcessTest, AnExecFailureIsAnExceptionNamingTheProgram) {
  try {
    ChildProcess child({.argv = {"/nonexistent/memwatch-no-such-program"}});
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/memwatch-no-such-program"));
    EXPECT_THAT(e.what(), HasSubstr("No such file"));
  }
  CommandResult r = RunCommand({"/nonexistent/memwatch-no-such-program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_THAT(r.error, HasSubstr("No such file"));
}

TEST(ChildProcessTest, ExitCodesAndSignalsAndAlwaysReaped) {
  ChildProcess exits({.argv = {"/bin/sh", "-c", "exit 3"}});
  EXPECT_EQ(exits.Wait(seconds(10)), 3);
  EXPECT_FALSE(exits.Running());

  ChildProcess sleeper({.argv = {"/bin/sleep", "60"}});
  const pid_t pid = sleeper.pid();
  EXPECT_TRUE(sleeper.Running());
  EXPECT_EQ(sleeper.Wait(milliseconds(50)), std::nullopt);
  EXPECT_EQ(sleeper.Stop(SIGTERM), 128 + SIGTERM);
  EXPECT_EQ(sleeper.Kill(), 128 + SIGTERM);  // idempotent
  // Reaped: no zombie left to wait for.
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);

  // A process that ignores SIGTERM is killed after the grace period.
  TempDir dir("memwatch-harness");
  ChildProcess stubborn({.argv = {"/bin/sh", "-c", "trap '' TERM; echo; while :; do sleep 1; done"},
                         .stdout_path = dir.File("out")});
  ASSERT_TRUE(WaitFor([&] { return ReadFile(dir.File("out")) == "\n"; }));  // the trap is set
  EXPECT_EQ(stubborn.Stop(SIGTERM, milliseconds(300)), 128 + SIGKILL);

  // The destructor kills and reaps.
  pid_t destroyed = -1;
  {
    ChildProcess scoped({.argv = {"/bin/sleep", "60"}});
    destroyed = scoped.pid();
  }
  EXPECT_EQ(waitpid(destroyed, nullptr, WNOHANG), -1);
  EXPECT_TRUE(GoneWithin(destroyed, milliseconds(0)));
}

TEST(ChildProcessTest, TheTestsDescriptorsDoNotLeakIntoTheChild) {
  TempDir dir("memwatch-harness");
  // Not close-on-exec, as hiredis leaves its sockets.
  const int null = open("/dev/null", O_RDONLY);
  const int leaked = dup2(null, 200);
  close(null);
  ASSERT_EQ(leaked, 200);
  ChildProcess child({.argv = {"/bin/ls", "/proc/self/fd"}, .stdout_path = dir.File("fds")});
  EXPECT_EQ(child.Wait(seconds(10)), 0);
  close(leaked);
  const std::string fds = ReadFile(dir.File("fds"));
  EXPECT_THAT(fds, HasSubstr("0\n1\n2\n"));
  EXPECT_THAT(fds, Not(HasSubstr("200")));
}

TEST(ChildProcessTest, AChildDiesWithTheTestBinary) {
  // A stand-in for a test binary that crashes: fork, start a child there,
  // and exit without running any destructor.
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  const pid_t stand_in = fork();
  ASSERT_GE(stand_in, 0);
  if (stand_in == 0) {
    auto* child = new ChildProcess({.argv = {"/bin/sleep", "60"}});
    const pid_t grandchild = child->pid();
    if (write(pipe_fds[1], &grandchild, sizeof grandchild) != sizeof grandchild) _exit(2);
    _exit(0);
  }
  close(pipe_fds[1]);
  pid_t grandchild = -1;
  const ssize_t n = read(pipe_fds[0], &grandchild, sizeof grandchild);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(stand_in, &status, 0);
  ASSERT_EQ(n, static_cast<ssize_t>(sizeof grandchild));
  EXPECT_TRUE(GoneWithin(grandchild, seconds(5)))
      << "pid " << grandchild << " outlived the process that started it";
  if (kill(grandchild, 0) == 0) kill(grandchild, SIGKILL);
}

TEST(TempDirTest, RemovedWithItsContentUnlessKeepIsAsked) {
  std::string path;
  {
    TempDir dir("memwatch-harness");
    path = dir.path();
    EXPECT_EQ(path.rfind(TempDir::DefaultBase() + "/memwatch-harness.", 0), 0u) << path;
    std::filesystem::create_directories(dir.File("a/b"));
    std::ofstream(dir.File("a/b/c")) << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(path));

  ASSERT_EQ(setenv("MEMWATCH_KEEP_TEMP", "1", 1), 0);
  {
    TempDir kept("memwatch-harness");
    path = kept.path();
  }
  unsetenv("MEMWATCH_KEEP_TEMP");
  EXPECT_TRUE(std::filesystem::is_directory(path));
  std::filesystem::remove_all(path);
}

TEST(TempDirTest, GoesUnderTmpdir) {
  TempDir base("memwatch-harness-base");
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  ASSERT_EQ(setenv("TMPDIR", base.path().c_str(), 1), 0);
  std::string path;
  {
    TempDir dir("memwatch-harness");
    path = dir.path();
  }
  if (old != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_EQ(path.rfind(base.path() + "/memwatch-harness.", 0), 0u) << path;
}

}  // namespace harness_test
}  // namespace memwatch::testing
