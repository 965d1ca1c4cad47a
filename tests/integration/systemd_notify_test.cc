// The built daemon's sd_notify(3) protocol, as systemd's Type=notify,
// NotifyAccess=main and WatchdogSec= in systemd/redis-memwatch.service rely
// on it, without systemd: the test binds the AF_UNIX datagram socket that
// NOTIFY_SOCKET names and reads what the daemon sends, checking with
// SCM_CREDENTIALS that every message comes from the main process.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/systemd_notify.h"
#include "harness/daemon_process.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"

namespace memwatch::testing {
namespace systemd_notify_test {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// WATCHDOG_USEC given to the daemon: pings must come well within it.
constexpr auto kWatchdogPeriod = std::chrono::seconds(2);
// sd_watchdog_enabled(3) asks for pings at half the period.
constexpr auto kMaxPingGap = kWatchdogPeriod / 2;

struct Notification {
  std::string text;      // e.g. "READY=1\nSTATUS=Watching Redis"
  pid_t sender = -1;     // from SCM_CREDENTIALS
  Clock::time_point at;  // when the test read it

  // True iff one of its newline-separated assignments is exactly `line`.
  bool Has(const std::string& line) const {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (text.compare(start, end - start, line) == 0) return true;
      start = end + 1;
    }
    return false;
  }
};

// The service manager's end of NOTIFY_SOCKET: a datagram socket bound in a
// fresh temp dir, removed with it.
class NotifySocket {
 public:
  NotifySocket() : dir_("memwatch-notify", TempDir::BaseForSocket("memwatch-notify", "notify")) {
    path_ = dir_.File("notify");
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket(AF_UNIX, SOCK_DGRAM) failed");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long");
    path_.copy(addr.sun_path, path_.size());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("bind " + path_ + " failed");
    }
    // As systemd does: the kernel attaches the sender's pid to each message.
    int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
  }
  ~NotifySocket() { close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  std::string Env() const { return "NOTIFY_SOCKET=" + path_; }

  // Returns the next message, or nullopt when none arrives by `deadline`
  // (one already queued is returned even when the deadline has passed).
  std::optional<Notification> Receive(Clock::time_point deadline) {
    for (;;) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      int n = poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return std::nullopt;
      char buf[4096];
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
      iovec iov{buf, sizeof buf};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t len = recvmsg(fd_, &msg, MSG_DONTWAIT);
      if (len < 0) continue;
      Notification note{std::string(buf, static_cast<size_t>(len)), -1, Clock::now()};
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
          ucred cred;
          std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
          note.sender = cred.pid;
        }
      }
      received_.push_back(note);
      return note;
    }
  }

  // Reads until a message has `line`; returns it, or nullopt on timeout.
  std::optional<Notification> WaitFor(const std::string& line,
                                      milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + timeout;
    while (std::optional<Notification> note = Receive(deadline)) {
      if (note->Has(line)) return note;
    }
    return std::nullopt;
  }

  // Reads for `window`, returning the time of every message with `line`.
  std::vector<Clock::time_point> Collect(const std::string& line, milliseconds window) {
    std::vector<Clock::time_point> times;
    const auto deadline = Clock::now() + window;
    while (std::optional<Notification> note = Receive(deadline)) {
      if (note->Has(line)) times.push_back(note->at);
    }
    return times;
  }

  // Reads until `done()` holds (asked every 50 ms) or `timeout` passes,
  // returning the time of every message with `line` and whether done() held.
  struct Collected {
    std::vector<Clock::time_point> times;
    bool done = false;
  };
  Collected CollectUntil(const std::string& line, const std::function<bool()>& done,
                         milliseconds timeout) {
    Collected c;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto slice = std::min(deadline, Clock::now() + milliseconds(50));
      while (std::optional<Notification> note = Receive(slice)) {
        if (note->Has(line)) c.times.push_back(note->at);
      }
      c.done = done();
      if (c.done || Clock::now() >= deadline) break;
    }
    while (std::optional<Notification> note = Receive(Clock::now())) {
      if (note->Has(line)) c.times.push_back(note->at);
    }
    return c;
  }

  // Every message read so far, in order.
  const std::vector<Notification>& Received() const { return received_; }

  // For failure messages: every non-watchdog message read so far.
  std::string Transcript() const {
    std::string out;
    for (const Notification& n : received_) {
      if (n.text != "WATCHDOG=1") out += "[" + n.text + "] ";
    }
    return out;
  }

 private:
  TempDir dir_;
  std::string path_;
  int fd_ = -1;
  std::vector<Notification> received_;
};

milliseconds LongestGap(const std::vector<Clock::time_point>& times, Clock::time_point from,
                        Clock::time_point to) {
  milliseconds longest{0};
  Clock::time_point previous = from;
  for (Clock::time_point t : times) {
    longest = std::max(longest, std::chrono::duration_cast<milliseconds>(t - previous));
    previous = t;
  }
  return std::max(longest, std::chrono::duration_cast<milliseconds>(to - previous));
}

std::string ConfigFor(const std::string& address, const std::string& interval = "200ms",
                      const std::string& timeout = "500ms") {
  std::string yaml = "listen: \"127.0.0.1:0\"\n";
  yaml += "interval: " + interval + "\n";
  yaml += "timeout: " + timeout + "\n";
  yaml += "targets:\n  - name: r\n    address: " + address + "\n";
  return yaml;
}

// Polls of target "r" the daemon has finished, from its /metrics.
double Polls(DaemonProcess& d) {
  return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"r\"}").value_or(0);
}

// Times INFO was run on `redis`, from its command statistics.
int InfoCalls(const RedisServer& redis) {
  std::string stats = redis.Cli({"INFO", "commandstats"});
  size_t at = stats.find("cmdstat_info:calls=");
  return at == std::string::npos ? 0 : std::atoi(stats.c_str() + at + 19);
}

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The daemon inherits our environment: were this test itself run by a
    // service manager, its WATCHDOG_PID (another pid) would make
    // sd_watchdog_enabled() refuse the daemon's watchdog.
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
  }

  std::vector<std::string> Env(bool watchdog = true) const {
    std::vector<std::string> env{notify_.Env()};
    if (watchdog) {
      env.push_back("WATCHDOG_USEC=" +
                    std::to_string(std::chrono::microseconds(kWatchdogPeriod).count()));
    }
    return env;
  }

  // NotifyAccess=main: systemd ignores messages from any other process.
  void ExpectAllFromMainProcess(pid_t pid) const {
    for (const Notification& n : notify_.Received()) {
      EXPECT_EQ(n.sender, pid) << "message [" << n.text << "] not from the main process";
    }
  }

  NotifySocket notify_;
};

TEST_F(SystemdNotifyTest, ReadyOnlyAfterTheFirstPollThenWatchdogPingsKeepComing) {
  RedisServer redis;
  // The first INFO is held back 1.5 s (the poll timeout is longer), so a
  // READY=1 sent before the first poll completed would come too early.
  const auto pause_sent = Clock::now();
  redis.Cli({"CLIENT", "PAUSE", "1500", "ALL"});
  DaemonProcess d(ConfigFor("127.0.0.1:" + std::to_string(redis.Port()), "200ms", "5s"), {}, Env());
  std::optional<Notification> ready = notify_.WaitFor("READY=1");
  ASSERT_TRUE(ready) << notify_.Transcript() << d.Log();
  EXPECT_GE(ready->at - pause_sent, milliseconds(1500))
      << "READY=1 before Redis could answer the first INFO";
  // The poll READY=1 waited for succeeded (the 5 s timeout outlasts the pause).
  EXPECT_GE(InfoCalls(redis), 1);
  EXPECT_EQ(d.Value("redis_up{target=\"r\"}"), 1.0) << d.Log();

  // Pings at least every half period, over more than one period.
  const auto from = Clock::now();
  std::vector<Clock::time_point> pings = notify_.Collect("WATCHDOG=1", kWatchdogPeriod * 2);
  const auto to = Clock::now();
  EXPECT_GE(pings.size(), 4u);
  EXPECT_LT(LongestGap(pings, from, to), kMaxPingGap);
  EXPECT_TRUE(d.Running());
  ExpectAllFromMainProcess(d.pid());
}

TEST_F(SystemdNotifyTest, NoWatchdogPingsUnlessWatchdogUsecIsSet) {
  RedisServer redis;
  DaemonProcess d(ConfigFor("127.0.0.1:" + std::to_string(redis.Port())), {},
                  Env(/*watchdog=*/false));
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();
  // Watched over five more polls (200 ms apart, so at least 800 ms) rather
  // than a fixed time; no ping before READY=1 either.
  const double polls_before = Polls(d);
  const NotifySocket::Collected c = notify_.CollectUntil(
      "WATCHDOG=1", [&] { return Polls(d) >= polls_before + 5; }, std::chrono::seconds(10));
  ASSERT_TRUE(c.done) << "no 5 polls within 10 s\n" << d.Log();
  EXPECT_THAT(c.times, ::testing::IsEmpty());
  for (const Notification& n : notify_.Received()) {
    EXPECT_FALSE(n.Has("WATCHDOG=1")) << "a ping, unasked";
  }
}

TEST_F(SystemdNotifyTest, SighupSendsReloadingThenReadyAndAFailedReloadToo) {
  RedisServer redis;
  DaemonProcess d(ConfigFor("127.0.0.1:" + std::to_string(redis.Port())), {}, Env());
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();

  // A good config: the reload takes effect.
  RedisServer second;
  std::ofstream(d.ConfigPath()) << ConfigFor("127.0.0.1:" + std::to_string(redis.Port())) +
                                       "  - name: s\n    address: 127.0.0.1:" +
                                       std::to_string(second.Port()) + "\n";
  d.Signal(SIGHUP);
  ASSERT_TRUE(notify_.WaitFor("RELOADING=1")) << notify_.Transcript() << d.Log();
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"s\"}") == 1.0; })) << d.Log();

  // A broken config: kept running on the old one, and READY=1 still ends the
  // reload, or systemd would show the unit "reloading" until it times out.
  std::ofstream(d.ConfigPath()) << "interval: -1s\ntargets: []\n";
  d.Signal(SIGHUP);
  ASSERT_TRUE(notify_.WaitFor("RELOADING=1")) << notify_.Transcript() << d.Log();
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();
  EXPECT_TRUE(d.Running());
  EXPECT_THAT(d.Log(), ::testing::HasSubstr("keeping the running config"));
  EXPECT_EQ(d.Value("redis_up{target=\"s\"}"), 1.0);
  ExpectAllFromMainProcess(d.pid());
}

TEST_F(SystemdNotifyTest, SigtermSendsStoppingAndExitsZero) {
  RedisServer redis;
  DaemonProcess d(ConfigFor("127.0.0.1:" + std::to_string(redis.Port())), {}, Env());
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();
  const pid_t pid = d.pid();
  EXPECT_EQ(d.Stop(), 0) << d.Log();
  // Datagrams stay queued after the sender exits.
  std::optional<Notification> stopping = notify_.WaitFor("STOPPING=1", milliseconds(1000));
  ASSERT_TRUE(stopping) << notify_.Transcript() << d.Log();
  // STOPPING=1 is the last word: no READY=1 or WATCHDOG=1 after it.
  while (std::optional<Notification> late = notify_.Receive(Clock::now())) {
    ADD_FAILURE() << "after STOPPING=1: [" << late->text << "]";
  }
  ExpectAllFromMainProcess(pid);
}

// WatchdogSec= must restart a daemon whose poll loop hangs, never one whose
// targets are merely down: the poller then backs off (up to 30 s between
// attempts) and reports nothing in between, yet it is healthy, and a restart
// would throw away every target's history and alert state. Slow (~20 s): the
// backoff must grow past interval + timeout + 5 s.
TEST_F(SystemdNotifyTest, WatchdogPingsContinueWhileEveryTargetIsDown) {
  const int dead_port = FreeLoopbackPort();
  DaemonProcess d(ConfigFor("127.0.0.1:" + std::to_string(dead_port), "100ms", "100ms"), {}, Env());
  ASSERT_TRUE(notify_.WaitFor("READY=1")) << notify_.Transcript() << d.Log();
  // Watched until the poller has been quiet (no attempt: the refused count
  // on /metrics unchanged) for longer than interval + timeout + 5 s =
  // 5.2 s, with a margin: backoff from 100 ms doubling gets there in
  // 10-20 s.
  const std::string refused = "redis_memwatch_poll_errors_total{target=\"r\",reason=\"refused\"}";
  double last_count = -1;
  Clock::time_point last_change = Clock::now();
  milliseconds longest_quiet{0};
  const auto from = Clock::now();
  const auto c = notify_.CollectUntil(
      "WATCHDOG=1",
      [&] {
        const double count = d.Value(refused).value_or(-1);
        if (count != last_count) {
          last_count = count;
          last_change = Clock::now();
        }
        longest_quiet = std::max(
            longest_quiet, std::chrono::duration_cast<milliseconds>(Clock::now() - last_change));
        return longest_quiet > milliseconds(5200 + 500);
      },
      std::chrono::seconds(45));
  const auto to = Clock::now();
  ASSERT_TRUE(c.done) << "the poller was never quiet for 5.7 s (longest " << longest_quiet.count()
                      << " ms)\n"
                      << d.Log();
  EXPECT_LT(LongestGap(c.times, from, to), kMaxPingGap)
      << "the watchdog pings paused while the poller was backing off; under "
         "WatchdogSec= systemd would kill and restart a healthy daemon";
  EXPECT_TRUE(d.Running());
}

// The protocol itself, in process (the daemon links no libsystemd): one
// datagram per message, to a path or to an abstract-namespace name.
class SystemdNotifyProtocolTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
};

// Reads one datagram from `fd` within a second; nullopt if none came.
std::optional<std::string> ReadDatagram(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 1000) != 1) return std::nullopt;
  char buf[4096];
  const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

TEST_F(SystemdNotifyProtocolTest, SendsOneDatagramPerMessageToAPathSocket) {
  NotifySocket notify;
  const std::string env = notify.Env();
  setenv("NOTIFY_SOCKET", env.substr(env.find('=') + 1).c_str(), 1);
  app::SocketSystemdNotifier notifier;
  notifier.Ready();
  notifier.Status("polling 3 targets");
  notifier.Watchdog();
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  std::vector<std::string> texts;
  while (auto note = notify.Receive(deadline)) texts.push_back(note->text);
  EXPECT_THAT(texts, ::testing::ElementsAre("READY=1\nSTATUS=Watching Redis",
                                            "STATUS=polling 3 targets", "WATCHDOG=1"));
  for (const Notification& n : notify.Received()) EXPECT_EQ(n.sender, getpid());
}

TEST_F(SystemdNotifyProtocolTest, AnAtSignNamesAnAbstractSocket) {
  const std::string name = "memwatch-test-" + std::to_string(getpid());
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  name.copy(addr.sun_path + 1, name.size());  // sun_path[0] == '\0': abstract
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())),
            0)
      << std::strerror(errno);
  setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
  app::SocketSystemdNotifier().Stopping();
  EXPECT_EQ(ReadDatagram(fd), "STOPPING=1");
  // The name is exactly as long as given: a trailing NUL would name another
  // socket, and nothing would arrive.
  EXPECT_TRUE(app::SendNotifyDatagram("@" + name, "RELOADING=1"));
  EXPECT_EQ(ReadDatagram(fd), "RELOADING=1");
  close(fd);
}

TEST_F(SystemdNotifyProtocolTest, NoSocketOrAnUnusableNameIsANoOp) {
  unsetenv("NOTIFY_SOCKET");
  app::SocketSystemdNotifier().Ready();  // nothing to send to, no crash
  EXPECT_FALSE(app::SendNotifyDatagram("", "READY=1"));
  EXPECT_FALSE(app::SendNotifyDatagram("relative/path", "READY=1"));
  EXPECT_FALSE(app::SendNotifyDatagram("@", "READY=1"));
  EXPECT_FALSE(app::SendNotifyDatagram("/" + std::string(200, 'x'), "READY=1"));
  EXPECT_FALSE(app::SendNotifyDatagram("/nonexistent-dir/notify", "READY=1"));
}

TEST_F(SystemdNotifyProtocolTest, WatchdogPeriodAsSdWatchdogEnabledReadsIt) {
  using std::chrono::microseconds;
  const pid_t self = getpid();
  const std::string me = std::to_string(self);
  EXPECT_EQ(app::ParseWatchdogPeriod("2000000", nullptr, self), microseconds(2000000));
  EXPECT_EQ(app::ParseWatchdogPeriod("2000000", me.c_str(), self), microseconds(2000000));
  // Meant for another process (e.g. our parent's service manager).
  EXPECT_EQ(app::ParseWatchdogPeriod("2000000", std::to_string(self + 1).c_str(), self),
            std::nullopt);
  EXPECT_EQ(app::ParseWatchdogPeriod("2000000", "not-a-pid", self), std::nullopt);
  EXPECT_EQ(app::ParseWatchdogPeriod(nullptr, nullptr, self), std::nullopt);
  for (const char* bad :
       {"", "0", "-5", " 5", "5s", "1e6", "18446744073709551615", "99999999999999999999999"}) {
    EXPECT_EQ(app::ParseWatchdogPeriod(bad, nullptr, self), std::nullopt) << bad;
  }
  // Through the environment, as the daemon reads it.
  setenv("WATCHDOG_USEC", "500000", 1);
  setenv("WATCHDOG_PID", me.c_str(), 1);
  EXPECT_EQ(app::SocketSystemdNotifier().WatchdogPeriod(), microseconds(500000));
  setenv("WATCHDOG_PID", "1", 1);
  EXPECT_EQ(app::SocketSystemdNotifier().WatchdogPeriod(), std::nullopt);
}

}  // namespace systemd_notify_test
}  // namespace memwatch::testing
