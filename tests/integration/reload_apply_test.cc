// A reload applies every key on the real binary: interval and timeout from
// the next poll, listen by binding the new address before closing the old
// one (and keeping the old one when the new one cannot be bound), receivers
// with what a removed one left moved aside and counted, check thresholds
// without losing history. Unchanged parts keep running untouched.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "harness/daemon_process.h"
#include "harness/fake_resp_server.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace reload_apply_test {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string Target(const std::string& name, int port) {
  return "  - name: " + name + "\n    address: 127.0.0.1:" + std::to_string(port) + "\n";
}

void Rewrite(const DaemonProcess& d, const std::string& yaml) {
  std::ofstream(d.ConfigPath(), std::ios::trunc) << yaml;
}

// Sends SIGHUP and waits for the reload's outcome to be logged (the n-th
// "reloaded" line).
bool Reload(DaemonProcess& d, int n) {
  d.Signal(SIGHUP);
  return WaitFor([&] {
    const std::string log = d.Log();
    int seen = 0;
    for (size_t at = log.find("reloaded "); at != std::string::npos;
         at = log.find("reloaded ", at + 1)) {
      ++seen;
    }
    return seen >= n;
  });
}

double Polls(DaemonProcess& d, const std::string& target) {
  return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"" + target + "\"}")
      .value_or(0);
}

// INFO calls Redis has served so far (INFO commandstats does not count the
// call that reads it).
int64_t InfoCalls(const RedisServer& redis) {
  const std::string stats = redis.Cli({"INFO", "commandstats"});
  std::smatch m;
  if (!std::regex_search(stats, m, std::regex("cmdstat_info:calls=([0-9]+)"))) return 0;
  return std::stoll(m[1]);
}

// INFO calls per second the daemon makes, measured by Redis itself over the
// time the daemon takes for `polls` more polls.
double InfoCallsPerSecond(DaemonProcess& d, const RedisServer& redis, int polls) {
  const double start_polls = Polls(d, "r");
  const int64_t start_calls = InfoCalls(redis);
  const auto start = Clock::now();
  EXPECT_TRUE(
      WaitFor([&] { return Polls(d, "r") >= start_polls + polls; }, std::chrono::seconds(30)));
  const int64_t calls = InfoCalls(redis) - start_calls - 1;  // our own first INFO
  return static_cast<double>(calls) / std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(ReloadApplyTest, ANewIntervalChangesHowOftenRedisIsAsked) {
  RedisServer redis;
  DaemonProcess d("listen: \"127.0.0.1:0\"\ninterval: 1s\ntargets:\n" + Target("r", redis.Port()));
  ASSERT_TRUE(WaitFor([&] { return Polls(d, "r") >= 2; })) << d.Log();
  const double before = InfoCallsPerSecond(d, redis, 3);

  Rewrite(d, "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntargets:\n" + Target("r", redis.Port()));
  ASSERT_TRUE(Reload(d, 1)) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("changed: interval 1s -> 200ms"));
  const double after = InfoCallsPerSecond(d, redis, 15);
  // Five times as often; the bounds leave room for a loaded machine.
  EXPECT_GT(after / before, 3.5) << before << " INFO/s before, " << after << " after";
  EXPECT_LT(after / before, 6.5) << before << " INFO/s before, " << after << " after";
  EXPECT_EQ(d.Value("redis_memwatch_config_last_reload_successful"), 1.0);
}

TEST(ReloadApplyTest, ALongerTimeoutBringsASlowTargetUp) {
  // Answers everything 300 ms late: too late for a 100 ms timeout.
  FakeRespServer slow(FakeRespServer::Behaviour::kRespond, [](const std::vector<std::string>&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the fixture's latency
    return FakeRespServer::Bulk(FakeRespServer::InfoText("7.0.15"));
  });
  const std::string head = "listen: \"127.0.0.1:0\"\ninterval: 200ms\n";
  DaemonProcess d(head + "timeout: 100ms\ntargets:\n" + Target("r", slow.Port()));
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_poll_errors_total{target=\"r\",reason=\"timeout\"}") >= 1.0;
  })) << d.Log();
  EXPECT_EQ(d.Value("redis_up{target=\"r\"}"), 0.0);

  Rewrite(d, head + "timeout: 2s\ntargets:\n" + Target("r", slow.Port()));
  ASSERT_TRUE(Reload(d, 1)) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("changed: timeout 100ms -> 2s"));
  EXPECT_TRUE(
      WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; }, std::chrono::seconds(40)))
      << d.Log();
}

// The port of the last "metrics now on http://HOST:PORT/metrics" line for
// `host`, or 0.
int ReboundPort(const DaemonProcess& d, const std::string& host) {
  const std::string log = d.Log();
  const std::regex line("metrics now on http://" + host + ":([0-9]+)/metrics");
  int port = 0;
  for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
    port = std::stoi((*it)[1]);
  }
  return port;
}

// A socket listening on 127.0.0.1:<ephemeral>, closed on destruction.
class Occupied {
 public:
  Occupied() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd_, 1) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot occupy a port";
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Occupied() { close(fd_); }
  Occupied(const Occupied&) = delete;
  Occupied& operator=(const Occupied&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ReloadApplyTest, ListenMovesToTheNewAddressAndStaysWhenItCannotBeBound) {
  RedisServer redis;
  const std::string rest = "targets:\n" + Target("r", redis.Port());
  DaemonProcess d("listen: \"127.0.0.1:0\"\n" + rest);
  const int first = d.WaitForPort();
  ASSERT_NE(first, 0) << d.Log();
  // Ready once the first poll is in; the move must keep that.
  ASSERT_TRUE(WaitFor([&] {
    const auto ready = HttpGet(first, "/-/ready");
    return ready.has_value() && ready->status == 200;
  })) << d.Log();

  // 127.0.0.2 is loopback too: a new address without a fixed port.
  Rewrite(d, "listen: \"127.0.0.2:0\"\n" + rest);
  ASSERT_TRUE(Reload(d, 1)) << d.Log();
  const int second = ReboundPort(d, "127.0.0.2");
  ASSERT_NE(second, 0) << d.Log();
  EXPECT_FALSE(HttpGet(first, "/-/healthy").has_value()) << "the old address still answers";
  auto metrics = HttpGet("127.0.0.2", second, "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("redis_memwatch_config_last_reload_successful 1"));
  EXPECT_EQ(HttpGet("127.0.0.2", second, "/-/ready")->status, 200) << "readiness carried over";

  // A port something else holds: the reload fails for listen only.
  Occupied taken;
  Rewrite(d,
          "listen: \"127.0.0.1:" + std::to_string(taken.port()) + "\"\ninterval: 500ms\n" + rest);
  ASSERT_TRUE(Reload(d, 2)) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("not applied: listen 127.0.0.1:" + std::to_string(taken.port())));
  metrics = HttpGet("127.0.0.2", second, "/metrics");
  ASSERT_TRUE(metrics.has_value()) << "the old address stopped serving";
  EXPECT_THAT(metrics->body, HasSubstr("redis_memwatch_config_last_reload_successful 0"));
  EXPECT_THAT(d.Log(), HasSubstr("interval 1s -> 500ms"));
  EXPECT_TRUE(d.Running());
}

std::string Receiver(const std::string& name, const HttpReceiver& r) {
  return "  - name: " + name + "\n    type: webhook\n    url: " + r.Url() + "\n";
}

// The failed/ files under `state_dir` whose reason mentions `text`.
int FailedFilesMentioning(const std::string& state_dir, const std::string& text) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir + "/failed", ec)) {
    std::ifstream in(entry.path());
    const std::string content((std::istreambuf_iterator<char>(in)), {});
    if (content.find(text) != std::string::npos) ++n;
  }
  return n;
}

TEST(ReloadApplyTest, AReceiverAddedGetsAlertsAndARemovedOnesBacklogIsMovedAsideAndCounted) {
  // A stock Redis: maxmemory_unset and noeviction are active at once.
  RedisServer redis;
  HttpReceiver down(std::vector<HttpReceiver::Answer>(1000, {.status = 503}));
  HttpReceiver up;
  ASSERT_NE(down.port(), 0) << down.error();
  ASSERT_NE(up.port(), 0) << up.error();
  ScopedTempDir state;
  const std::string head = "listen: \"127.0.0.1:0\"\nstate_dir: " + state.path() + "\ntargets:\n" +
                           Target("r", redis.Port()) + "receivers:\n";
  DaemonProcess d(head + Receiver("gone", down));
  ASSERT_TRUE(down.WaitForRequests(1)) << d.Log();
  EXPECT_EQ(d.Value("redis_memwatch_notification_queue_length{receiver=\"gone\"}"), 1.0);

  Rewrite(d, head + Receiver("kept", up));
  ASSERT_TRUE(Reload(d, 1)) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("receivers: added kept; removed gone"));
  // What "gone" could not deliver is kept for a person, with the reason,
  // and counted; nothing is left in the outbox for it.
  EXPECT_EQ(FailedFilesMentioning(state.path(), "receiver gone is no longer configured"), 1)
      << d.Log();
  EXPECT_EQ(d.Value("redis_memwatch_notifications_total{receiver=\"gone\",result=\"failed\"}"),
            1.0);
  EXPECT_TRUE(std::filesystem::is_empty(state.path() + "/outbox"));
  // The new receiver hears about what is active now.
  ASSERT_TRUE(up.WaitForRequests(1)) << d.Log();
  EXPECT_THAT(up.Requests()[0].body, HasSubstr("noeviction"));

  // Removing the last receiver moves its backlog aside too.
  HttpReceiver down_again(std::vector<HttpReceiver::Answer>(1000, {.status = 503}));
  Rewrite(d, head + Receiver("last", down_again));
  ASSERT_TRUE(Reload(d, 2)) << d.Log();
  ASSERT_TRUE(down_again.WaitForRequests(1)) << d.Log();
  Rewrite(d, "listen: \"127.0.0.1:0\"\nstate_dir: " + state.path() + "\ntargets:\n" +
                 Target("r", redis.Port()));
  ASSERT_TRUE(Reload(d, 3)) << d.Log();
  EXPECT_EQ(FailedFilesMentioning(state.path(), "receiver last is no longer configured"), 1)
      << d.Log();
  EXPECT_TRUE(std::filesystem::is_empty(state.path() + "/outbox"));
}

TEST(ReloadApplyTest, NewCheckThresholdsApplyWithoutLosingHistory) {
  // 4 MiB of data against a 64 MiB maxmemory: well below memory_high's 85 %
  // (noeviction: under allkeys-* running full is by design and it stays quiet).
  RedisServer redis({"--maxmemory", "64mb", "--maxmemory-policy", "noeviction",
                     "--enable-debug-command", "local"});
  redis.Cli({"DEBUG", "POPULATE", "4000", "k", "1000"});
  // Short trend windows (history spans the longest), so time_to_full has
  // its history within seconds.
  const std::string head = "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntargets:\n" +
                           Target("r", redis.Port()) +
                           "checks:\n  time_to_full: {window: 4s}\n  no_ttl_growth: {window: 4s}\n";
  DaemonProcess d(head);
  const std::string ttf = "redis_memwatch_time_to_full_seconds{target=\"r\"}";
  const std::string high =
      R"(redis_memwatch_finding{target="r",check="memory_high",severity="warning"})";
  ASSERT_TRUE(WaitFor([&] { return d.Value(ttf).has_value(); })) << d.Log();
  EXPECT_EQ(d.Value(high), 0.0);

  Rewrite(d, head + "  memory_high: {warning: 1%, critical: 99%}\n");
  ASSERT_TRUE(Reload(d, 1)) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("changed: checks"));
  const double polls_at_reload = Polls(d, "r");
  ASSERT_TRUE(WaitFor([&] { return d.Value(high) == 1.0; })) << d.Log();
  // The trend survived: it is there from the first polls after the reload,
  // long before a new 4 s window (2 s of history) could have filled.
  EXPECT_LT(Polls(d, "r"), polls_at_reload + 5);
  EXPECT_TRUE(d.Value(ttf).has_value());
}

}  // namespace reload_apply_test
}  // namespace memwatch::testing
