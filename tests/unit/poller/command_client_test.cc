// CommandClient's deadlines come from the Clock it is given: a fake clock
// decides when a call times out, with a unix listener of the test's own
// that accepts (the kernel's backlog) and never answers. The rest of the
// client runs against real servers: tests/integration/command_client_test.cc.
#include "poller/command_client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>

namespace memwatch::poller {
namespace command_client_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// Now() returns the current fake time, then moves it on by `step`.
class SteppingClock : public Clock {
 public:
  explicit SteppingClock(Duration step) : step_(step) {}
  MonoTime Now() const override {
    const MonoTime now = now_;
    now_ += step_;
    return now;
  }
  WallTime WallNow() const override { return WallTime{}; }
  MonoTime start() const { return MonoTime{} + seconds(1000); }

 private:
  Duration step_;
  mutable MonoTime now_ = MonoTime{} + seconds(1000);
};

// A unix socket that listens and never accepts or answers, in a temp dir.
class SilentUnixListener {
 public:
  SilentUnixListener() {
    char dir[] = "/tmp/memwatch-cc.XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    dir_ = dir;
    path_ = dir_ + "/s.sock";
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(fd_, 8) != 0) {
      std::abort();
    }
  }
  ~SilentUnixListener() {
    close(fd_);
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  PollTarget Target() const {
    PollTarget target;
    target.endpoint.kind = Endpoint::Kind::kUnix;
    target.endpoint.path = path_;
    return target;
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

TEST(CommandClientDeadlineTest, ADeadlineAlreadyPassedFailsBeforeAnyIo) {
  SteppingClock clock(Duration{0});
  PollTarget target;
  target.endpoint.host = "host.invalid";  // resolving it would fail otherwise
  CommandClient client(target, {}, clock);
  auto replies = client.Pipeline({{"PING"}}, clock.start() - milliseconds(1));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("host.invalid:6379"));
  EXPECT_THAT(replies.status().message(), HasSubstr("the deadline passed before it began"));
}

TEST(CommandClientDeadlineTest, TheClockSaysWhenTheDeadlineHasPassed) {
  // Every reading of the clock is 10 s later than the one before: the
  // 5-second deadline has passed at the first wait for a reply, though no
  // real time has.
  SilentUnixListener listener;
  SteppingClock clock(seconds(10));
  CommandClient client(listener.Target(), {}, clock);
  const auto started = std::chrono::steady_clock::now();
  auto replies = client.Pipeline({{"PING"}}, clock.start() + seconds(5));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("timed out waiting for a reply from unix:"));
  EXPECT_THAT(replies.status().message(), HasSubstr("(0 of 1 replies received)"));
  EXPECT_LT(elapsed, seconds(2));
  EXPECT_FALSE(client.connected());
}

TEST(CommandClientDeadlineTest, WaitsAsLongAsTheClockSaysIsLeft) {
  SilentUnixListener listener;
  SteppingClock clock(Duration{0});  // stands still: each wait is the whole 100 ms left
  CommandClient client(listener.Target(), {}, clock);
  const auto started = std::chrono::steady_clock::now();
  auto replies = client.Pipeline({{"PING"}, {"PING"}}, clock.start() + milliseconds(100));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("(0 of 2 replies received)"));
  EXPECT_GE(elapsed, milliseconds(100));
  EXPECT_LT(elapsed, seconds(2));
}

TEST(CommandClientDeadlineTest, AnEmptyPipelineDoesNoIo) {
  SteppingClock clock(Duration{0});
  PollTarget target;
  target.endpoint.host = "host.invalid";
  CommandClient client(target, {}, clock);
  auto replies = client.Pipeline({}, clock.start() + seconds(1));
  ASSERT_TRUE(replies.ok());
  EXPECT_TRUE(replies.value().empty());
  EXPECT_FALSE(client.connected());
}

}  // namespace command_client_test
}  // namespace memwatch::poller
