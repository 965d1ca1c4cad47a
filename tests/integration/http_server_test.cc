// The built daemon's metrics endpoint under concurrent scrapes and against
// clients that stall or read slowly: a few threads serve them all, each
// scrape within a bound, and what does not fit is refused at once, never
// left hanging (src/metrics/http_server.h has the limits and their reasons).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/fake_resp_server.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"
#include "metrics/http_server.h"

namespace memwatch::testing {
namespace http_server_test {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Every thread of the daemon: main, the poll loop, alert delivery, the HTTP
// server's reader and its kHttpWorkers writers (6 in all today; 68 when
// CivetWeb ran 64 workers). A few spare for what the daemon may grow.
constexpr int kMaxDaemonThreads = 10;
// How long a scrape may take behind misbehaving clients: far below
// Prometheus' default 10 s scrape timeout. Sanitizers slow the daemon.
const milliseconds kScrapeBound = kSanitized ? seconds(5) : seconds(2);

// A field of /proc/PID/status as a number ("Threads", "VmRSS" in KiB); -1
// if absent.
long StatusField(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

int Threads(pid_t pid) { return static_cast<int>(StatusField(pid, "Threads")); }

int FdCount(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// A blocking loopback connection, with a receive buffer of `rcvbuf` bytes
// when not 0 (set before connecting, so the advertised window is small);
// -1 on failure.
int Connect(int port, int rcvbuf = 0) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  close(fd);
  return -1;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

constexpr std::string_view kGetMetrics = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// One response, read until the server closes, summed up as it streams in (a
// body may be megabytes and many are read at once).
struct Response {
  int status = 0;    // 0: no status line came
  std::string head;  // status line and header fields
  size_t body_bytes = 0;
  std::vector<std::string> families;  // "# TYPE" names, in order
  bool ends_with_newline = false;
  bool clean_end = false;  // closed with a FIN: not reset, not timed out
  double seconds = 0;
};

// Reads the response to what was sent on `fd` (then closes it), waiting at
// most `timeout` in all.
Response ReadResponse(int fd, milliseconds timeout, Clock::time_point t0 = Clock::now()) {
  Response r;
  const auto deadline = t0 + timeout;
  std::string pending;  // the head, then the current body line
  bool in_body = false;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) break;  // reset
    if (n == 0) {
      r.clean_end = true;
      break;
    }
    const std::string_view data(buf, static_cast<size_t>(n));
    pending.append(data);
    if (!in_body) {
      const size_t end = pending.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      r.head = pending.substr(0, end);
      if (r.head.rfind("HTTP/1.", 0) == 0 && r.head.size() > 12) {
        r.status = std::atoi(r.head.c_str() + 9);
      }
      pending.erase(0, end + 4);
      in_body = true;
      r.body_bytes = pending.size();
    } else {
      r.body_bytes += data.size();
    }
    if (!pending.empty()) r.ends_with_newline = pending.back() == '\n';
    // Keep only the unfinished last line; note the family of each TYPE line.
    size_t start = 0;
    for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      const std::string_view line = std::string_view(pending).substr(start, nl - start);
      if (line.starts_with("# TYPE ")) {
        const std::string_view rest = line.substr(7);
        r.families.emplace_back(rest.substr(0, rest.find(' ')));
      }
      start = nl + 1;
    }
    pending.erase(0, start);
  }
  close(fd);
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

Response Get(int port, milliseconds timeout) {
  const auto t0 = Clock::now();
  const int fd = Connect(port);
  if (fd < 0 || !SendAll(fd, kGetMetrics)) {
    if (fd >= 0) close(fd);
    return {};
  }
  return ReadResponse(fd, timeout, t0);
}

// `n` GET /metrics at once, each from its own thread.
std::vector<Response> ConcurrentGets(int port, int n, milliseconds timeout) {
  std::vector<Response> out(static_cast<size_t>(n));
  std::latch start(n);
  std::vector<std::thread> clients;
  for (int i = 0; i < n; ++i) {
    clients.emplace_back([&, i] {
      start.arrive_and_wait();
      out[static_cast<size_t>(i)] = Get(port, timeout);
    });
  }
  for (std::thread& t : clients) t.join();
  return out;
}

std::string TargetsYaml(int n, int port) {
  // No keyspace sampling: its families appear once a target's first cycle
  // ends, and these tests compare the families of scrapes taken meanwhile.
  std::string y = "listen: \"127.0.0.1:0\"\ninterval: 1s\nkeyspace:\n  enabled: false\ntargets:\n";
  for (int i = 0; i < n; ++i) {
    y += "  - name: t" + std::to_string(i) + "\n    address: 127.0.0.1:" + std::to_string(port) +
         "\n";
  }
  return y;
}

// Whether `r` is a whole exposition: every family of `reference`, in the
// same order, and a last line that ends.
void ExpectComplete(const Response& r, const Response& reference, const std::string& what) {
  EXPECT_EQ(r.status, 200) << what << ": " << r.head;
  EXPECT_TRUE(r.clean_end) << what;
  EXPECT_TRUE(r.ends_with_newline) << what;
  EXPECT_EQ(r.families, reference.families) << what << ": " << r.body_bytes << " bytes";
}

TEST(HttpServerTest, AFewThreadsServeConcurrentScrapesWithFullBodies) {
  RedisServer redis;
  DaemonProcess d(TargetsYaml(20, redis.Port()));
  const int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t19\"}") == 1.0; })) << d.Log();

  const int threads_idle = Threads(d.pid());
  EXPECT_LE(threads_idle, kMaxDaemonThreads);
  const Response reference = Get(port, seconds(10));
  ASSERT_EQ(reference.status, 200);
  ASSERT_GT(reference.families.size(), 20u);

  // As many scrapes at once as can wait for a worker: every one answered in
  // full, none refused, and no thread added for them.
  int threads_max = threads_idle;
  for (int round = 0; round < 3; ++round) {
    std::thread watch([&] {
      for (int i = 0; i < 20; ++i) {
        threads_max = std::max(threads_max, Threads(d.pid()));
        std::this_thread::sleep_for(milliseconds(10));
      }
    });
    const std::vector<Response> all =
        ConcurrentGets(port, static_cast<int>(metrics::kHttpMaxQueued), seconds(30));
    watch.join();
    double slowest = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      ExpectComplete(all[i], reference,
                     "round " + std::to_string(round) + " scrape " + std::to_string(i));
      slowest = std::max(slowest, all[i].seconds);
    }
    std::printf("%zu concurrent scrapes of %zu bytes: slowest %.3f s\n", all.size(),
                reference.body_bytes, slowest);
    EXPECT_LT(slowest, std::chrono::duration<double>(kScrapeBound).count());
  }
  std::printf("daemon threads: %d idle, %d at most while scraped\n", threads_idle, threads_max);
  EXPECT_EQ(threads_max, threads_idle);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

TEST(HttpServerTest, StalledClientsNeitherDelayAScrapeNorPileUp) {
  RedisServer redis;
  DaemonProcess d(TargetsYaml(1, redis.Port()));
  const int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t0\"}") == 1.0; })) << d.Log();
  const Response reference = Get(port, seconds(10));
  ASSERT_EQ(reference.status, 200);
  const int threads_idle = Threads(d.pid());
  const int fds_idle = FdCount(d.pid());
  const long rss_idle_kib = StatusField(d.pid(), "VmRSS");

  // 200 clients that connect and send nothing, then 50 that send half a
  // request and stall: a thread per connection would need 250 threads or
  // make the scraper wait its turn behind them.
  constexpr int kSilent = 200;
  constexpr int kHalf = 50;
  std::vector<int> silent;
  std::vector<int> half;
  for (int i = 0; i < kSilent; ++i) {
    silent.push_back(Connect(port));
    ASSERT_GE(silent.back(), 0) << i;
  }
  for (int i = 0; i < kHalf; ++i) {
    half.push_back(Connect(port));
    ASSERT_GE(half.back(), 0) << i;
    ASSERT_TRUE(SendAll(half.back(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  }
  const auto stalled_at = Clock::now();

  for (int i = 0; i < 3; ++i) {
    const Response r = Get(port, seconds(15));
    ExpectComplete(r, reference, "scrape " + std::to_string(i) + " behind stalled clients");
    std::printf("scrape behind %d stalled clients: %.3f s\n", kSilent + kHalf, r.seconds);
    EXPECT_LT(r.seconds, std::chrono::duration<double>(kScrapeBound).count());
  }
  const int fds_stalled = FdCount(d.pid());
  EXPECT_EQ(Threads(d.pid()), threads_idle);
  // The daemon holds no more of them than kHttpMaxPending: the longest
  // waiting are closed to admit new ones.
  EXPECT_LE(fds_stalled, fds_idle + static_cast<int>(metrics::kHttpMaxPending) + 2);
  if (!kSanitized) {
    EXPECT_LT(StatusField(d.pid(), "VmRSS") - rss_idle_kib, 2048) << "KiB";
  }

  // Every stalled connection is closed by the daemon within the request
  // timeout; those that sent half a request and were still waiting then are
  // told why (408).
  auto closed_by_server = [](int fd, std::string* got) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    char buf[512];
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      got->append(buf, static_cast<size_t>(n));
      return false;  // the close follows
    }
    return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  };
  std::vector<std::string> half_got(half.size());
  std::vector<bool> half_closed(half.size(), false);
  std::vector<bool> silent_closed(silent.size(), false);
  std::string ignored;
  const bool all_closed = WaitFor(
      [&] {
        bool all = true;
        for (size_t i = 0; i < silent.size(); ++i) {
          if (!silent_closed[i]) silent_closed[i] = closed_by_server(silent[i], &ignored);
          all = all && silent_closed[i];
        }
        for (size_t i = 0; i < half.size(); ++i) {
          if (!half_closed[i]) half_closed[i] = closed_by_server(half[i], &half_got[i]);
          all = all && half_closed[i];
        }
        return all;
      },
      metrics::kHttpRequestTimeout + seconds(5));
  const double closed_after = std::chrono::duration<double>(Clock::now() - stalled_at).count();
  EXPECT_TRUE(all_closed) << "after " << closed_after << " s";
  std::printf("stalled clients all closed by the daemon after %.1f s\n", closed_after);
  for (size_t i = 0; i < half.size(); ++i) {
    EXPECT_THAT(half_got[i], StartsWith("HTTP/1.1 408 ")) << i;
  }
  for (int fd : silent) close(fd);
  for (int fd : half) close(fd);

  EXPECT_TRUE(WaitFor([&] { return FdCount(d.pid()) <= fds_idle + 1; }, seconds(5)))
      << FdCount(d.pid()) << " descriptors, " << fds_idle << " before";
  EXPECT_EQ(Threads(d.pid()), threads_idle);
  ExpectComplete(Get(port, seconds(10)), reference, "scrape after");
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

// The most the kernel buffers for one connection's sending side
// (net.ipv4.tcp_wmem, 4 MiB by default): a body that fits is taken off the
// daemon's hands however slowly the client reads.
size_t TcpSendBufferMax() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_wmem");
  size_t min = 0;
  size_t initial = 0;
  size_t max = 0;
  in >> min >> initial >> max;
  return max > 0 ? max : size_t{4} << 20;
}

// INFO of a server with 1024 databases: ~95 KB of series per target, so a
// few dozen targets make a body larger than TcpSendBufferMax(), and a client
// that does not read holds the daemon's writer.
std::string InfoWithManyDatabases() {
  std::string info = FakeRespServer::InfoText("7.0.15");
  for (int i = 0; i < 1024; ++i) {
    info +=
        "db" + std::to_string(i) + ":keys=" + std::to_string(1000 + i) + ",expires=1,avg_ttl=5\r\n";
  }
  return FakeRespServer::Bulk(info);
}

// A client that asks for /metrics and then reads nothing, with a 4 KiB
// receive buffer.
int SlowReader(int port) {
  const int fd = Connect(port, 4096);
  if (fd >= 0) SendAll(fd, kGetMetrics);
  return fd;
}

// Waits until the daemon resets `fd` (without reading from it, which would
// make it a faster reader); returns the seconds since `t0`, or -1. Watched
// from its own thread (CutWatch) while the test scrapes: measured after the
// scrapes, a cut would count their time too (under the sanitizers, the 36
// scrapes behind the slow readers end 15-20 s in, long after the cut).
double WaitForReset(int fd, Clock::time_point t0, milliseconds timeout) {
  bool reset = false;
  WaitFor(
      [&] {
        pollfd p{fd, 0, 0};  // POLLERR and POLLHUP are always reported
        reset = poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP)) != 0;
        return reset;
      },
      timeout);
  if (!reset) return -1;
  // What was already in the receive buffer comes first, then the error.
  char buf[65536];
  ssize_t n = 0;
  do {
    n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  } while (n > 0);
  const int error = errno;
  close(fd);
  EXPECT_TRUE(n < 0 && error == ECONNRESET) << "a clean end would pass a cut body as whole";
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::future<double> CutWatch(int fd, Clock::time_point t0, milliseconds timeout) {
  return std::async(std::launch::async, WaitForReset, fd, t0, timeout);
}

TEST(HttpServerTest, SlowReadersAreCutAndOthersServedOrRefusedAtOnce) {
  const std::string info = InfoWithManyDatabases();
  FakeRespServer fake(FakeRespServer::Behaviour::kRespond, [&](const auto&) { return info; });
  const size_t body_min = TcpSendBufferMax() + (size_t{2} << 20);
  DaemonProcess d(TargetsYaml(static_cast<int>(body_min / 90'000 + 1), fake.Port()));
  const int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  Response reference;
  ASSERT_TRUE(WaitFor(
      [&] {
        reference = Get(port, seconds(30));
        return reference.status == 200 && reference.body_bytes > body_min;
      },
      seconds(30)))
      << reference.body_bytes << " bytes\n"
      << d.Log();
  const int threads_idle = Threads(d.pid());
  const auto timeout = metrics::kHttpResponseTimeout;
  const double timeout_s = std::chrono::duration<double>(timeout).count();

  // One slow reader holds one writer; the others serve everyone else at
  // once, and the slow one is cut when its time is up.
  auto t0 = Clock::now();
  const int slow = SlowReader(port);
  ASSERT_GE(slow, 0);
  std::future<double> slow_cut = CutWatch(slow, t0, timeout + seconds(10));
  for (int i = 0; i < 3; ++i) {
    const Response r = Get(port, seconds(30));
    ExpectComplete(r, reference, "scrape beside a slow reader");
    std::printf("scrape of %zu bytes beside a slow reader: %.3f s\n", r.body_bytes, r.seconds);
    EXPECT_LT(r.seconds, std::chrono::duration<double>(kScrapeBound).count());
  }
  double cut = slow_cut.get();
  std::printf("slow reader cut after %.1f s (response timeout %.0f s)\n", cut, timeout_s);
  EXPECT_GE(cut, timeout_s - 1);
  EXPECT_LE(cut, timeout_s + 5);

  // As many slow readers as writers: scrapes wait, up to kHttpMaxQueued of
  // them, and are served in full once the slow ones are cut; those beyond
  // the queue are refused at once with 503, not left hanging.
  t0 = Clock::now();
  std::vector<int> slow_ones;
  for (int i = 0; i < metrics::kHttpWorkers; ++i) slow_ones.push_back(SlowReader(port));
  // A writer has taken a slow reader once its response starts to arrive.
  for (int fd : slow_ones) {
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(WaitFor([fd] {
      pollfd p{fd, POLLIN, 0};
      return poll(&p, 1, 0) > 0;
    }));
  }
  std::vector<std::future<double>> cuts;
  for (int fd : slow_ones) cuts.push_back(CutWatch(fd, t0, timeout + seconds(10)));
  constexpr int kBeyond = 4;
  const int scrapes = static_cast<int>(metrics::kHttpMaxQueued) + kBeyond;
  const std::vector<Response> all = ConcurrentGets(port, scrapes, timeout + seconds(60));
  int served = 0;
  int refused = 0;
  double slowest_served = 0;
  double slowest_refused = 0;
  for (const Response& r : all) {
    if (r.status == 503) {
      ++refused;
      slowest_refused = std::max(slowest_refused, r.seconds);
      EXPECT_THAT(r.head, HasSubstr("Retry-After: 1"));
      EXPECT_TRUE(r.clean_end);
    } else {
      ++served;
      slowest_served = std::max(slowest_served, r.seconds);
      ExpectComplete(r, reference, "queued scrape");
    }
  }
  std::printf(
      "%d scrapes behind %d slow readers: %d served (slowest %.1f s), %d refused (slowest %.3f "
      "s)\n",
      scrapes, metrics::kHttpWorkers, served, slowest_served, refused, slowest_refused);
  EXPECT_EQ(refused, kBeyond);
  EXPECT_EQ(served, static_cast<int>(metrics::kHttpMaxQueued));
  EXPECT_LT(slowest_refused, std::chrono::duration<double>(kScrapeBound).count());
  for (auto& slow_one : cuts) {
    cut = slow_one.get();
    EXPECT_GE(cut, timeout_s - 1);
    EXPECT_LE(cut, timeout_s + 5);
  }
  EXPECT_EQ(Threads(d.pid()), threads_idle);
  EXPECT_EQ(d.Stop(), 0) << d.Log();
}

}  // namespace http_server_test
}  // namespace memwatch::testing
