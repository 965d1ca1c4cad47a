// The built daemon against hostile peers: Redis look-alikes that send
// garbage, tens of MB, nothing, half a reply, errors or absurd INFO, beside
// a healthy real redis-server; thousands of reconnects; and abusive HTTP
// clients on /metrics. In every case the daemon must stay up, count the bad
// target's failures under the right reason, keep polling the healthy target
// on schedule, keep its memory bounded and leak no descriptors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/fake_resp_server.h"
#include "harness/redis_monitor.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"

namespace memwatch::testing {
namespace hostile_test {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr double kMaxRssMiB = 64;

// VmRSS of `pid` in MiB (0 if unreadable).
double RssMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

// Open descriptors of `pid`.
int FdCount(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// Wall-clock seconds since the epoch: the clock of Redis' MONITOR stamps.
double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Gaps (ms) between the INFO commands `monitor` saw from `from` on, and
// from the last one before it, sorted.
std::vector<double> SortedInfoGapsMs(const RedisMonitor& monitor, double from) {
  std::vector<double> times;
  for (const RedisMonitor::Command& c : monitor.Commands("info")) {
    if (c.time < from) times.clear();
    times.push_back(c.time);
  }
  std::vector<double> gaps = GapsMs(times);
  std::sort(gaps.begin(), gaps.end());
  return gaps;
}

std::string Series(const std::string& name, const std::string& target,
                   const std::string& reason = "") {
  std::string labels = "target=\"" + target + "\"";
  if (!reason.empty()) labels += ",reason=\"" + reason + "\"";
  return name + "{" + labels + "}";
}

double Errors(DaemonProcess& d, const std::string& target, const std::string& reason) {
  return d.Value(Series("redis_memwatch_poll_errors_total", target, reason)).value_or(0);
}

double Polls(DaemonProcess& d, const std::string& target) {
  return d.Value(Series("redis_memwatch_probe_duration_seconds_count", target)).value_or(0);
}

// A well-formed INFO reply no real server would send: negative sizes and
// counts, a 20-digit number, 10,000 databases of INT64_MAX keys and a 1 MB
// line.
std::string AbsurdInfo() {
  std::string s = "# Server\r\nredis_version:7.0.15\r\nexecutable:/" + std::string(1 << 20, 'a') +
                  "\r\n\r\n# Memory\r\nused_memory:-1\r\nmaxmemory:-100\r\n"
                  "used_memory_rss:99999999999999999999999\r\nmem_fragmentation_ratio:-3.5\r\n"
                  "maxmemory_policy:noeviction\r\n\r\n# Keyspace\r\n"
                  // Negative counts: the parser drops the whole db line.
                  "db99999:keys=-3,expires=-1,avg_ttl=-5\r\n";
  for (int i = 0; i < 10000; ++i) {
    s += "db" + std::to_string(i) + ":keys=9223372036854775807,expires=1,avg_ttl=5\r\n";
  }
  return s;
}

std::string TargetsYaml(const std::vector<std::pair<std::string, int>>& targets) {
  std::string y = "targets:\n";
  for (const auto& [name, port] : targets) {
    y += "  - name: " + name + "\n    address: 127.0.0.1:" + std::to_string(port) + "\n";
  }
  return y;
}

// A blocking loopback TCP connection; -1 on failure.
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

// Sends `request` on a fresh connection and returns what came back until
// the server closed (at most 5 s), e.g. "HTTP/1.1 404 Not Found...".
std::string RawRequest(int port, const std::string& request) {
  const int fd = Connect(port);
  if (fd < 0) return "";
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may refuse early, which is fine
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[4096];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return raw;
}

// How long one GET /metrics takes; status 0 when it got no answer.
struct Timed {
  int status = 0;
  double seconds = 0;
};
Timed TimedGet(int port, const std::string& path = "/metrics") {
  const auto t0 = Clock::now();
  std::optional<HttpResponse> r = HttpGet(port, path);
  return {r ? r->status : 0, std::chrono::duration<double>(Clock::now() - t0).count()};
}

TEST(HostileTest, HostilePeersBesideAHealthyTargetAreCountedAndContained) {
  RedisServer redis;
  RedisMonitor healthy_commands(redis);
  FakeRespServer garbage(FakeRespServer::Behaviour::kGarbage);
  FakeRespServer huge(FakeRespServer::Behaviour::kHugeBulk, {}, 64 << 20);
  FakeRespServer silent(FakeRespServer::Behaviour::kNeverAnswer);
  FakeRespServer cut(FakeRespServer::Behaviour::kCloseMidReply);
  FakeRespServer stall(FakeRespServer::Behaviour::kPartialThenStall);
  FakeRespServer refuses(FakeRespServer::Behaviour::kRespond, [](const auto&) {
    return FakeRespServer::Error("ERR hostile peer refuses INFO");
  });
  const std::string absurd_info = AbsurdInfo();
  FakeRespServer absurd(FakeRespServer::Behaviour::kRespond,
                        [&](const auto&) { return FakeRespServer::Bulk(absurd_info); });

  constexpr double kInterval = 0.1;
  // timeout 1s: reading 8 MiB of the huge bulk must fit in it even under
  // TSan on a busy machine, or it would count as a timeout.
  DaemonProcess d("listen: \"127.0.0.1:0\"\ninterval: 100ms\ntimeout: 1s\n" +
                  TargetsYaml({{"healthy", redis.Port()},
                               {"garbage", garbage.Port()},
                               {"huge", huge.Port()},
                               {"silent", silent.Port()},
                               {"cut", cut.Port()},
                               {"stall", stall.Port()},
                               {"refuses", refuses.Port()},
                               {"absurd", absurd.Port()}}));
  ASSERT_NE(d.WaitForPort(), 0) << d.Log();

  const std::vector<std::pair<std::string, std::string>> expected{
      {"garbage", "protocol"}, {"huge", "reply_too_large"}, {"silent", "timeout"},
      {"cut", "closed"},       {"stall", "timeout"},        {"refuses", "server_error"}};
  // Each failure is retried after a backoff starting at the interval: two
  // failures each come within a few seconds.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& [target, reason] : expected) {
          if (Errors(d, target, reason) < 2) return false;
        }
        return d.Value(Series("redis_up", "absurd")) == 1.0 && Polls(d, "healthy") >= 5;
      },
      seconds(30)))
      << d.Metrics() << d.Log();
  const std::string m = d.Metrics();
  for (const auto& [target, reason] : expected) {
    EXPECT_EQ(d.Value(Series("redis_up", target)), 0.0) << target;
    // Only the right reason: a failure counted under another reason is a
    // misdiagnosis an operator would chase.
    for (const char* other : {"refused", "timeout", "auth", "protocol", "reply_too_large",
                              "server_error", "closed", "resolve"}) {
      if (other != reason) {
        EXPECT_EQ(Errors(d, target, other), 0.0) << target << " " << other;
      }
    }
  }
  // The absurd reply parses with notes; its impossible values are dropped,
  // its databases capped.
  EXPECT_THAT(d.Log(), HasSubstr("absurd: INFO reply had"));
  EXPECT_EQ(m.find(Series("redis_memory_used_bytes", "absurd")), std::string::npos);
  EXPECT_EQ(m.find(Series("redis_memory_max_bytes", "absurd")), std::string::npos);
  size_t absurd_dbs = 0;
  std::istringstream lines(m);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("redis_db_keys{") && line.find("target=\"absurd\"") != std::string::npos) {
      ++absurd_dbs;
    }
  }
  EXPECT_EQ(m.find("db=\"db99999\""), std::string::npos);
  EXPECT_GT(absurd_dbs, 0u) << [&] {
    std::string absurd_lines;
    std::istringstream all(m);
    for (std::string line; std::getline(all, line);) {
      if (line.find("target=\"absurd\"") != std::string::npos) absurd_lines += line + "\n";
    }
    return absurd_lines;
  }();
  EXPECT_LE(absurd_dbs, 1024u);

  // Steady state: the healthy target keeps its schedule, memory and
  // descriptors stay flat while the hostile ones keep failing. Watched
  // until every hostile target has been retried twice more (backoff, not
  // given up) and the healthy one polled 30 more times.
  std::map<std::string, double> errors_before;
  for (const auto& [target, reason] : expected) errors_before[target] = Errors(d, target, reason);
  const double polls_before = Polls(d, "healthy");
  const int fds_before = FdCount(d.pid());
  const double rss_before = RssMiB(d.pid());
  const double watch_from = WallSeconds();
  double rss_max = rss_before;
  int fds_max = fds_before;
  const bool watched = WaitFor(
      [&] {
        rss_max = std::max(rss_max, RssMiB(d.pid()));
        fds_max = std::max(fds_max, FdCount(d.pid()));
        if (!d.Running()) return true;
        for (const auto& [target, reason] : expected) {
          if (Errors(d, target, reason) < errors_before[target] + 2) return false;
        }
        return Polls(d, "healthy") >= polls_before + 30;
      },
      seconds(60));
  ASSERT_TRUE(d.Running()) << d.Log();
  ASSERT_TRUE(watched) << "the hostile targets were not all retried twice within 60 s\n"
                       << d.Metrics();
  // The healthy target's schedule, from Redis' own timestamps of the
  // daemon's INFO: waiting for a hostile peer would show a gap of at least
  // the 1 s timeout.
  const std::vector<double> gaps = SortedInfoGapsMs(healthy_commands, watch_from);
  ASSERT_GE(gaps.size(), 29u);
  RecordProperty("healthy_gap_ms_median", std::to_string(gaps[gaps.size() / 2]));
  RecordProperty("healthy_gap_ms_max", std::to_string(gaps.back()));
  RecordProperty("rss_mib_max", std::to_string(rss_max));
  RecordProperty("fds_max", std::to_string(fds_max));
  std::printf(
      "hostile peers: healthy polled every %.0f ms (median; nominal %.0f), longest gap %.0f ms, "
      "RSS %.1f..%.1f MiB, fds %d..%d\n",
      gaps[gaps.size() / 2], kInterval * 1000, gaps.back(), rss_before, rss_max, fds_before,
      fds_max);
  EXPECT_LT(gaps.back(), 1000.0) << "the healthy target waited for a hostile one";
  if (!kSanitized) {
    EXPECT_LT(rss_max, kMaxRssMiB);
  }
  // One socket per target at most, plus the daemon's own (log, epoll,
  // listener, eventfd...): far below this whatever the phase of each target.
  EXPECT_LE(fds_max, 40);
  EXPECT_EQ(d.Value(Series("redis_up", "healthy")), 1.0);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

// The lines of `log` that mention `what`, the last 40 of them.
std::string LinesAbout(const std::string& log, const std::string& what) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(what) != std::string::npos) lines.push_back(line);
  }
  std::string text;
  for (size_t i = lines.size() > 40 ? lines.size() - 40 : 0; i < lines.size(); ++i) {
    text += lines[i] + "\n";
  }
  return text;
}

TEST(HostileTest, ThousandsOfReconnectsLeakNoDescriptorsAndNoMemory) {
  // One flapping server behind ten targets: every other reply is a failure
  // (an error, garbage, a close, an array), so each target reconnects about
  // every second poll while its backoff, reset by each success, stays at the
  // interval.
  std::atomic<uint64_t> replies{0};
  const std::string info = FakeRespServer::Bulk(FakeRespServer::InfoText("7.0.15"));
  FakeRespServer flappy(FakeRespServer::Behaviour::kRespond, [&](const auto&) -> std::string {
    const uint64_t n = replies++;
    switch (n % 8) {
      case 1:
        return FakeRespServer::Error("ERR flapping");
      case 3:
        return "not RESP at all\r\n";
      case 5:
        return std::string(FakeRespServer::kCloseConnection);
      case 7:
        return "*1\r\n$4\r\nINFO\r\n";
      default:
        return info;
    }
  });
  RedisServer redis;
  RedisMonitor healthy_commands(redis);
  std::vector<std::pair<std::string, int>> targets{{"healthy", redis.Port()}};
  for (int i = 0; i < 10; ++i) targets.emplace_back("flap" + std::to_string(i), flappy.Port());
  constexpr double kInterval = 0.02;
  DaemonProcess d("listen: \"127.0.0.1:0\"\ninterval: 20ms\ntimeout: 200ms\n" +
                  TargetsYaml(targets));
  ASSERT_NE(d.WaitForPort(), 0) << d.Log();

  // Warm-up: allocator pools, spdlog, HTTP threads, first scrapes.
  ASSERT_TRUE(WaitFor([&] { return flappy.Accepted() >= 300; }, seconds(30))) << d.Log();
  // Then 20 scrapes and 100 more reconnects, noting the highest
  // descriptor count and RSS seen: the baseline.
  int fds_warm = 0;
  double rss_warm = 0;
  int scrapes = 0;
  const int accepted_before_scrapes = flappy.Accepted();
  ASSERT_TRUE(WaitFor(
      [&] {
        d.Metrics();
        ++scrapes;
        fds_warm = std::max(fds_warm, FdCount(d.pid()));
        rss_warm = std::max(rss_warm, RssMiB(d.pid()));
        return scrapes >= 20 && flappy.Accepted() - accepted_before_scrapes >= 100;
      },
      seconds(30)))
      << d.Log();
  const int accepted_warm = flappy.Accepted();
  const double watch_from = WallSeconds();
  const auto t0 = Clock::now();

  constexpr int kReconnects = 3000;
  int fds_max = 0;
  double rss_max = 0;
  const bool done = WaitFor(
      [&] {
        fds_max = std::max(fds_max, FdCount(d.pid()));
        rss_max = std::max(rss_max, RssMiB(d.pid()));
        return flappy.Accepted() - accepted_warm >= kReconnects || !d.Running();
      },
      seconds(90));
  const double window = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(d.Running()) << d.Log();
  ASSERT_TRUE(done) << "only " << flappy.Accepted() - accepted_warm << " reconnects in " << window
                    << " s";
  // The healthy target's schedule, from Redis' own timestamps of the
  // daemon's INFO.
  const std::vector<double> gaps = SortedInfoGapsMs(healthy_commands, watch_from);
  ASSERT_FALSE(gaps.empty()) << "the healthy target was not polled";
  std::printf(
      "reconnects: %d in %.1f s; healthy polled every %.0f ms (median; nominal %.0f), longest "
      "gap %.0f ms; fds %d -> max %d; RSS %.1f -> max %.1f MiB\n",
      flappy.Accepted() - accepted_warm, window, gaps[gaps.size() / 2], kInterval * 1000,
      gaps.back(), fds_warm, fds_max, rss_warm, rss_max);
  // A socket per target may be open at any moment; nothing more may pile up.
  EXPECT_LE(fds_max, fds_warm + 4);
  // ASan's quarantine (256 MiB) fills with freed reply buffers: growth up to
  // that is not a leak (LeakSanitizer checks those at exit).
  EXPECT_LT(rss_max - rss_warm, kSanitized ? 320.0 : 4.0);
  if (!kSanitized) {
    EXPECT_LT(rss_max, kMaxRssMiB);
  }
  // Churn slows the loop a little, never to half the healthy target's rate
  // and never to a stall: flapping peers fail at once, none waits out the
  // 200 ms timeout.
  EXPECT_LT(gaps[gaps.size() / 2], 2 * kInterval * 1000);
  EXPECT_LT(gaps.back(), 1000.0) << "what the daemon said of the healthy target:\n"
                                 << LinesAbout(d.Log(), "healthy");
  // Every kind of failure was seen, under its own reason.
  EXPECT_GE(Errors(d, "flap0", "server_error") + Errors(d, "flap1", "server_error"), 1.0);
  double protocol = 0;
  for (int i = 0; i < 10; ++i) protocol += Errors(d, "flap" + std::to_string(i), "protocol");
  EXPECT_GE(protocol, 10.0);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

TEST(HostileTest, MetricsEndpointKeepsAnsweringUnderAbusiveClients) {
  RedisServer redis;
  DaemonProcess d("listen: \"127.0.0.1:0\"\ninterval: 100ms\n" +
                  TargetsYaml({{"healthy", redis.Port()}}));
  const int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value(Series("redis_up", "healthy")) == 1.0; })) << d.Log();
  const int fds_idle = FdCount(d.pid());

  // Unknown paths and odd requests get an answer, never a hang or a crash.
  EXPECT_EQ(TimedGet(port, "/nope").status, 404);
  EXPECT_EQ(TimedGet(port, "/metrics/../../etc/passwd").status, 404);
  EXPECT_THAT(RawRequest(port, "BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), HasSubstr("HTTP/1."));
  EXPECT_THAT(RawRequest(port, "\x16\x03\x01\x02\x01 not HTTP\r\n\r\n"), Not(HasSubstr("200 OK")));
  // A 100 KB URL is refused (431 past metrics::kHttpMaxHeadBytes), not
  // buffered.
  const std::string long_url = "GET /" + std::string(100 * 1024, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_THAT(RawRequest(port, long_url), Not(HasSubstr("200 OK")));
  Timed after_long = TimedGet(port);
  EXPECT_EQ(after_long.status, 200);

  // 50 slow clients: each sends half a request and stalls. They wait in the
  // server's reading thread, not in its writers, so the scraper is served at
  // once (tests/integration/http_server_test.cc has 250 of them, and slow
  // readers).
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) {
    const int fd = Connect(port);
    ASSERT_GE(fd, 0);
    const std::string half = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    ASSERT_EQ(send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
    slow.push_back(fd);
  }
  // A scraper arriving now must still be served, well within Prometheus'
  // default scrape timeout (10 s).
  std::vector<double> latencies;
  for (int i = 0; i < 3; ++i) {
    Timed t = TimedGet(port);
    EXPECT_EQ(t.status, 200) << "GET /metrics " << i << " got no answer within 5 s";
    latencies.push_back(t.seconds);
  }
  std::printf("metrics under 50 slow clients: %.3f s, %.3f s, %.3f s; fds idle %d, now %d\n",
              latencies[0], latencies[1], latencies[2], fds_idle, FdCount(d.pid()));
  for (double s : latencies) EXPECT_LT(s, 2.0);
  for (int fd : slow) close(fd);

  // Once the clients are gone, descriptors return to what they were, give
  // or take a target's socket being reopened and one scrape in flight.
  EXPECT_TRUE(WaitFor([&] { return FdCount(d.pid()) <= fds_idle + 2; }, seconds(15)))
      << FdCount(d.pid()) << " fds, " << fds_idle << " when idle";
  EXPECT_EQ(TimedGet(port).status, 200);
  EXPECT_TRUE(d.Running());
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

}  // namespace hostile_test
}  // namespace memwatch::testing
