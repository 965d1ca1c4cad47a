// Issue 16's incident on a real redis-server, end to end: 200,000
// `cache:user:<n>` keys with a TTL, 50,000 `coupon:gen:<uuid>` without, and a
// job adding 100 more coupons a second, while redis-benchmark keeps Redis
// busy. Within 60 s of its start the daemon's sampler names `coupon:gen:*`
// as the prefix with the most keys without TTL, its estimate within 10 % of
// the count the test takes itself with SCAN, the count grows between
// cycles, and no_ttl_growth's notification names the prefix; all that
// while the sampler's Redis time (INFO commandstats) stays within the
// budget the test configured, and the INFO polls stay on schedule: the poll
// lag's p99 as that of the same daemon without sampling, run beside it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/keyspace_scan.h"
#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"

namespace memwatch::testing {
namespace keyspace_incident_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// A sanitized daemon samples several times slower, bound by its own CPU (a
// first cycle over 250,000 keys took 30 s under ASan, 50 s beside a build):
// there the incident is a quarter the size, the same shape, and checks the
// same code paths for memory errors and races.
constexpr int kScale = kSanitized ? 4 : 1;
constexpr int kCacheKeys = 200'000 / kScale;
constexpr int kCouponKeys = 50'000 / kScale;
constexpr int kCouponsPerSecond = 100 / kScale;
constexpr char kCoupons[] = "coupon:gen:*";

// The daemon's settings for this test, and why they are not the defaults.
// At the default 2,000 keys/s a cycle over 250,000 keys takes 125 s, and
// the growth of a prefix needs two complete cycles: 20,000 keys/s makes a
// cycle about 13 s. That costs Redis about 3.5 % of its time here (TYPE and
// TTL per key, MEMORY USAGE for one in eight), over the default budget of
// 1 %: the budget is raised to 5 %, and the test checks that 5 % holds. A
// 1 s interval starts the next cycle at once.
constexpr double kBudget = 0.05;
constexpr char kKeyspace[] = "keyspace: {interval: 1s, max_keys_per_second: 20000, budget: 5%}\n";
// no_ttl_growth fires once half its window is covered (30 s) and the keys
// without TTL grew by min_keys over it (100 a second: 3,000): well after
// the sampler's first complete cycle (about 15 s), so its first message can
// name the prefix; usually after the second too, and then it says how fast
// the prefix grows. A sanitized daemon gets a window twice as long, for
// the same order with room to spare.
//
// Polls every 100 ms: at least 250 lag samples for each daemon (kLagWindow),
// enough for a p99. And slowness is Redis's, not the machine's: on a loaded
// 2-core machine (CI runs tests side by side) one INFO stalled past the
// default 500 ms timeout, command_timeouts took that for a slow Redis, and
// the sampler backed off to 1/64 of its rate (then for the check's whole
// quiet 30 s; since 9249f67 only while polls are slow, but each timed-out
// or slow poll still halves the rate, which recovers over a minute): no
// complete cycle in 60 s. A 2 s timeout and min_latency 1 s leave that
// check to real stalls.
constexpr char kPolling[] = "interval: 100ms\ntimeout: 2s\n";
constexpr char kChecks[] =
    "checks:\n"
    "  command_timeouts: {min_latency: 1s}\n";
std::string NoTtlGrowthParams() {
  return std::string("  no_ttl_growth: {window: ") + (kSanitized ? "120s" : "60s") +
         ", min_keys: " + std::to_string(1000 / kScale) + "}\n";
}
const milliseconds kLagWindow = seconds(25);
// What the issue asks for, and room for the slower sanitized daemon.
const milliseconds kIncidentDeadline = kSanitized ? seconds(150) : seconds(60);
// Both daemons are watched alike (so the watching costs them the same): a
// scrape of /metrics and a GET of /api/v1/status every 250 ms.
const milliseconds kWatchEvery = milliseconds(250);

// Writes keys ARGV[2] .. ARGV[2] + ARGV[3] - 1 of family ARGV[1]: cache
// keys `cache:user:<n>` with a TTL of an hour, or coupons
// `coupon:gen:<uuid>` without (the uuid from sha1(n), so each n its own).
constexpr char kWriteKeys[] =
    "local from, n = tonumber(ARGV[2]), tonumber(ARGV[3]) "
    "for i = from, from + n - 1 do "
    "  if ARGV[1] == 'cache' then "
    "    redis.call('SET', 'cache:user:' .. i, 'v', 'EX', 3600) "
    "  else "
    "    local h = redis.sha1hex('coupon' .. i) "
    "    redis.call('SET', 'coupon:gen:' .. h:sub(1, 8) .. '-' .. h:sub(9, 12) .. '-' .. "
    "h:sub(13, 16) .. '-' .. h:sub(17, 20) .. '-' .. h:sub(21, 32), 'c') "
    "  end "
    "end "
    "return n";

std::string WriteKeys(const RedisServer& redis, const char* family, int64_t from, int64_t n) {
  return redis.Cli({"EVAL", kWriteKeys, "0", family, std::to_string(from), std::to_string(n)});
}

// The incident's job: kCouponsPerSecond new coupons a second, without a
// TTL, from its own thread until destroyed. Paced by the time since it
// started (a late round writes what is due), one EVAL every 100 ms.
class CouponWriter {
 public:
  explicit CouponWriter(const RedisServer& redis) : redis_(redis) {
    thread_ = std::thread([this] { Run(); });
  }
  ~CouponWriter() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  // Coupons in Redis for sure: the initial ones and those written since.
  int64_t Coupons() const { return kCouponKeys + written_.load(); }
  std::string Error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  void Run() {
    const steady_clock::time_point start = steady_clock::now();
    std::unique_lock lock(mu_);
    while (!stopping_) {
      const double elapsed = std::chrono::duration<double>(steady_clock::now() - start).count();
      const int64_t due = static_cast<int64_t>(elapsed * kCouponsPerSecond) - written_.load();
      if (due > 0) {
        lock.unlock();
        const std::string reply = WriteKeys(redis_, "coupon", Coupons(), due);
        lock.lock();
        if (reply == std::to_string(due)) {
          written_ += due;
        } else if (error_.empty()) {
          error_ = reply;
        }
      }
      wake_.wait_for(lock, milliseconds(100), [this] { return stopping_; });
    }
  }

  const RedisServer& redis_;
  std::atomic<int64_t> written_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::string error_;      // guarded by mu_; the first failed write
  std::thread thread_;
};

// Counts the keys matching `pattern` the way an operator would: SCAN with
// MATCH over the whole keyspace. Keys present throughout are counted once;
// keys added meanwhile may or may not be.
int64_t CountWithScan(const RedisServer& redis, const std::string& pattern) {
  int64_t count = 0;
  std::string cursor = "0";
  do {
    // The reply's text: the next cursor, then one key a line (a page
    // without keys leaves one empty line).
    const std::string reply = redis.Cli({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    size_t eol = reply.find('\n');
    cursor = reply.substr(0, eol);
    if (cursor.empty() || cursor.find_first_not_of("0123456789") != std::string::npos) {
      ADD_FAILURE() << "SCAN: " << reply.substr(0, 200);
      return -1;
    }
    while (eol != std::string::npos) {
      const size_t next = reply.find('\n', eol + 1);
      if ((next == std::string::npos ? reply.size() : next) > eol + 1) ++count;
      eol = next;
    }
  } while (cursor != "0");
  return count;
}

// The Redis time of SCAN, TYPE, TTL and MEMORY so far (INFO commandstats),
// all of it the sampler's in this test: nothing else sends them while it
// is measured.
uint64_t SamplingUsec(const RedisServer& redis) {
  return app::SamplingUsecFromCommandstats(redis.Cli({"INFO", "commandstats"}));
}

// calls= of one command in INFO commandstats.
int64_t Calls(const RedisServer& redis, const std::string& command) {
  const std::string stats = redis.Cli({"INFO", "commandstats"});
  const std::string key = "cmdstat_" + command + ":calls=";
  const size_t at = stats.find(key);
  return at == std::string::npos ? 0 : std::atoll(stats.c_str() + at + key.size());
}

// The series `metric{target="r",prefix="..."}` of a scrape, by prefix (as
// exported, i.e. escaped).
std::map<std::string, double> PrefixSeries(const std::string& metrics, const std::string& metric) {
  std::map<std::string, double> out;
  const std::string head = metric + "{target=\"r\",prefix=\"";
  size_t at = 0;
  while ((at = metrics.find(head, at)) != std::string::npos) {
    if (at != 0 && metrics[at - 1] != '\n') {
      at += head.size();
      continue;
    }
    const size_t eol = metrics.find('\n', at);
    const std::string line = metrics.substr(at, eol - at);
    const size_t close = line.rfind("\"} ");
    if (close != std::string::npos && close >= head.size()) {
      out[line.substr(head.size(), close - head.size())] = std::stod(line.substr(close + 3));
    }
    at = eol;
  }
  return out;
}

// The prefix with the most keys without TTL ("" while there is none).
std::string TopWithoutTtl(const std::string& metrics) {
  std::string top;
  double most = 0;
  for (const auto& [prefix, keys] :
       PrefixSeries(metrics, "redis_memwatch_keyspace_prefix_keys_without_ttl")) {
    if (keys > most) {
      top = prefix;
      most = keys;
    }
  }
  return top;
}

// The cumulative counts of redis_memwatch_poll_lag_seconds's buckets, by
// upper bound (+Inf last).
using LagBuckets = std::vector<std::pair<double, double>>;

LagBuckets PollLag(const std::string& metrics) {
  LagBuckets out;
  const std::string head = "redis_memwatch_poll_lag_seconds_bucket{le=\"";
  size_t at = 0;
  while ((at = metrics.find(head, at)) != std::string::npos) {
    at += head.size();
    const size_t quote = metrics.find('"', at);
    const size_t space = metrics.find(' ', quote);
    out.emplace_back(std::stod(metrics.substr(at, quote - at)),
                     std::stod(metrics.substr(space + 1)));
  }
  return out;
}

// Over the polls between two scrapes: how many, and the upper bound of the
// bucket holding the 99th percentile of their lag.
struct LagP99 {
  double polls = 0;
  size_t bucket = 0;  // index into the buckets
  double seconds = std::numeric_limits<double>::infinity();
};

LagP99 P99(const LagBuckets& before, const LagBuckets& after) {
  LagP99 p;
  if (after.empty() || before.size() != after.size()) {
    ADD_FAILURE() << "no poll lag histogram";
    return p;
  }
  p.polls = after.back().second - before.back().second;
  for (size_t i = 0; i < after.size(); ++i) {
    if (after[i].second - before[i].second >= 0.99 * p.polls) {
      p.bucket = i;
      p.seconds = after[i].first;
      break;
    }
  }
  return p;
}

// A daemon polling `redis`, sampling or not, notifying `receiver` if given.
std::string Config(const RedisServer& redis, bool sampling, const HttpReceiver* receiver,
                   const std::string& state_dir) {
  std::string yaml = "listen: \"127.0.0.1:0\"\n" + std::string(kPolling) +
                     (sampling ? kKeyspace : "keyspace: {enabled: false}\n") + kChecks +
                     NoTtlGrowthParams() + "state_dir: " + state_dir +
                     "\n"
                     "targets:\n"
                     "  - name: r\n"
                     "    address: 127.0.0.1:" +
                     std::to_string(redis.Port()) + "\n";
  if (receiver != nullptr) {
    yaml += "receivers:\n  - name: hook\n    type: webhook\n    url: " + receiver->Url() +
            "\n    checks: [no_ttl_growth]\n";
  }
  return yaml;
}

// One look at a daemon: its metrics and its status JSON.
struct Look {
  std::string metrics;
  Json status;
};

Look LookAt(DaemonProcess& d, int port) {
  Look look;
  look.metrics = d.Metrics();
  if (std::optional<HttpResponse> r = HttpGet(port, "/api/v1/status"); r && r->status == 200) {
    look.status = Json::parse(r->body, nullptr, false);
  }
  return look;
}

// Calls `look` every kWatchEvery until it says it is done (true) or
// `deadline` passes (false).
bool Watch(steady_clock::time_point deadline, const std::function<bool()>& look) {
  for (steady_clock::time_point next = steady_clock::now();;) {
    if (look()) return true;
    if (steady_clock::now() >= deadline) return false;
    next += kWatchEvery;
    std::this_thread::sleep_until(next);
  }
}

// The summary of the active no_ttl_growth finding in a status JSON, "" if none.
std::string NoTtlGrowthSummary(const Json& status) {
  if (!status.is_object()) return "";
  for (const Json& t : status.value("targets", Json::array())) {
    for (const Json& f : t.value("findings", Json::array())) {
      if (f.value("check", "") == "no_ttl_growth") return f.value("summary", "");
    }
  }
  return "";
}

// The summaries of the firing no_ttl_growth alerts the receiver got, in order.
std::vector<std::string> Notified(const HttpReceiver& receiver) {
  std::vector<std::string> out;
  for (const HttpReceiver::Request& req : receiver.Requests()) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) continue;
    for (const Json& a : body.value("alerts", Json::array())) {
      if (a.value("check", "") == "no_ttl_growth" && a.value("status", "") == "firing") {
        out.push_back(a.value("summary", ""));
      }
    }
  }
  return out;
}

double SecondsSince(steady_clock::time_point t) {
  return std::chrono::duration<double>(steady_clock::now() - t).count();
}

TEST(KeyspaceIncidentTest, NamesTheCouponsWithinAMinuteInBudgetAndOnSchedule) {
  RedisServer redis;
  const steady_clock::time_point load_start = steady_clock::now();
  for (int from = 0; from < kCacheKeys; from += 50'000) {
    const int n = std::min(50'000, kCacheKeys - from);
    ASSERT_EQ(WriteKeys(redis, "cache", from, n), std::to_string(n));
  }
  ASSERT_EQ(WriteKeys(redis, "coupon", 0, kCouponKeys), std::to_string(kCouponKeys));
  ASSERT_THAT(redis.Cli({"INFO", "keyspace"}),
              HasSubstr("keys=" + std::to_string(kCacheKeys + kCouponKeys) +
                        ",expires=" + std::to_string(kCacheKeys)));
  std::printf("[ measured ] %d keys loaded in %.1f s\n", kCacheKeys + kCouponKeys,
              SecondsSince(load_start));

  CouponWriter writer(redis);
  // Beside it all, redis-benchmark keeps Redis busy until the end.
  ChildProcess benchmark(
      {.argv = {"/usr/bin/redis-benchmark", "-h", "127.0.0.1", "-p", std::to_string(redis.Port()),
                "-q", "-n", "1000000", "-c", "10", "-t", "set,get", "-l"}});
  HttpReceiver receiver;
  ASSERT_NE(receiver.port(), 0) << receiver.error();
  ScopedTempDir quiet_state;
  ScopedTempDir state;

  const uint64_t usec_before = SamplingUsec(redis);
  const int64_t benchmark_calls_before = Calls(redis, "set") + Calls(redis, "get");
  const steady_clock::time_point start = steady_clock::now();
  // The daemon under test, and beside it the same daemon without sampling,
  // whose poll lag is the one to compare with: both at the same time, on
  // the same Redis under the same load, watched alike. (One after the
  // other, the machine's load differs between the two windows: a first
  // version measured p99 5 ms for one and 50 ms for the other, while the
  // two side by side showed the same distribution.)
  DaemonProcess quiet(Config(redis, false, nullptr, quiet_state.path()));
  DaemonProcess d(Config(redis, true, &receiver, state.path()));
  const int quiet_port = quiet.WaitForPort();
  const int port = d.WaitForPort();
  ASSERT_NE(quiet_port, 0) << quiet.Log();
  ASSERT_NE(port, 0) << d.Log();

  double named_at = -1, grown_at = -1, notified_at = -1;
  double first_estimate = 0;
  int64_t coupons_when_named = 0;
  std::string first_top;
  // The poll lag over the same window for both, from when both are up.
  std::optional<steady_clock::time_point> lag_start;
  LagBuckets quiet_before, quiet_after, sampling_before, sampling_after;
  const bool in_time = Watch(start + kIncidentDeadline, [&] {
    const Look q = LookAt(quiet, quiet_port);
    const Look l = LookAt(d, port);
    const double t = SecondsSince(start);
    if (!lag_start) {
      if (SeriesValue(q.metrics, "redis_up{target=\"r\"}") != 1.0 ||
          SeriesValue(l.metrics, "redis_up{target=\"r\"}") != 1.0) {
        return false;
      }
      lag_start = steady_clock::now();
      quiet_before = PollLag(q.metrics);
      sampling_before = PollLag(l.metrics);
    }
    quiet_after = PollLag(q.metrics);
    sampling_after = PollLag(l.metrics);

    const std::string top = TopWithoutTtl(l.metrics);
    const double estimate =
        PrefixSeries(l.metrics, "redis_memwatch_keyspace_prefix_keys_without_ttl")[kCoupons];
    if (named_at < 0 && !top.empty()) {
      named_at = t;
      first_top = top;
      first_estimate = estimate;
      coupons_when_named = writer.Coupons();
    } else if (named_at >= 0 && grown_at < 0 && estimate > first_estimate) {
      grown_at = t;
    }
    if (notified_at < 0 && !Notified(receiver).empty()) notified_at = t;
    return named_at >= 0 && grown_at >= 0 && notified_at >= 0 &&
           NoTtlGrowthSummary(l.status).find("grows by") != std::string::npos &&
           steady_clock::now() - *lag_start >= kLagWindow;
  });
  const double wall = SecondsSince(start);
  const uint64_t usec = SamplingUsec(redis) - usec_before;
  const double redis_seconds =
      d.Value("redis_memwatch_keyspace_redis_seconds_total{target=\"r\"}").value_or(-1);
  const double benchmark_per_second =
      static_cast<double>(Calls(redis, "set") + Calls(redis, "get") - benchmark_calls_before) /
      wall;
  const std::string metrics = d.Metrics();
  const std::string status_summary = NoTtlGrowthSummary(LookAt(d, port).status);
  // The true count, at the time of the estimate; the test's own SCAN comes
  // after the budget's measurement, which counts every SCAN.
  const double estimate =
      PrefixSeries(metrics, "redis_memwatch_keyspace_prefix_keys_without_ttl")[kCoupons];
  const int64_t coupons_before_scan = writer.Coupons();
  const int64_t scanned = CountWithScan(redis, kCoupons);
  const int64_t coupons_after_scan = writer.Coupons();
  EXPECT_TRUE(benchmark.Running()) << "redis-benchmark ended early";
  benchmark.Stop(SIGTERM);

  const LagP99 without = P99(quiet_before, quiet_after);
  const LagP99 with = P99(sampling_before, sampling_after);
  const std::vector<std::string> notified = Notified(receiver);
  std::printf(
      "[ measured ] named %s after %.1f s (estimate %.0f, %lld coupons then), grown after "
      "%.1f s, notified after %.1f s\n",
      first_top.c_str(), named_at, first_estimate, static_cast<long long>(coupons_when_named),
      grown_at, notified_at);
  std::printf("[ measured ] first notification: %s\n",
              notified.empty() ? "(none)" : notified.front().c_str());
  std::printf("[ measured ] at %.1f s: estimate %.0f, SCAN counted %lld (%+.1f%%)\n", wall,
              estimate, static_cast<long long>(scanned),
              100 * (estimate - static_cast<double>(scanned)) / static_cast<double>(scanned));
  std::printf(
      "[ measured ] sampler's Redis time: %.3f s in %.1f s = %.2f%% by INFO commandstats, "
      "%.2f%% as exported (budget %.0f%%), beside %.0f SET+GET/s of redis-benchmark\n",
      static_cast<double>(usec) / 1e6, wall, 100 * static_cast<double>(usec) / (wall * 1e6),
      100 * redis_seconds / wall, 100 * kBudget, benchmark_per_second);
  std::printf(
      "[ measured ] poll lag p99: <= %g s without sampling (%.0f polls), <= %g s with (%.0f "
      "polls)\n",
      without.seconds, without.polls, with.seconds, with.polls);

  // Within the minute (of the daemon's start), in order.
  EXPECT_TRUE(in_time) << "not everything within " << kIncidentDeadline.count() << " ms\n"
                       << metrics << d.Log();
  EXPECT_EQ(first_top, kCoupons) << metrics;
  EXPECT_GE(grown_at, 0) << "the coupons' count did not grow between cycles";
  ASSERT_FALSE(notified.empty()) << d.Log();
  EXPECT_LT(named_at, notified_at) << "no_ttl_growth fired before the sampler named anything";
  // Its first message names the prefix: with its growth when the second
  // cycle came first, else with its count. The finding says how fast it
  // grows once the second cycle is in.
  EXPECT_THAT(notified.front(), HasSubstr("`coupon:gen:*`"));
  EXPECT_THAT(status_summary, HasSubstr("`coupon:gen:*` grows by"));
  EXPECT_EQ(writer.Error(), "");

  // The estimates, against the true count: the writer's ledger when first
  // named; a SCAN of the test's own at the end (the ledger bounds it, which
  // checks the count itself).
  EXPECT_NEAR(first_estimate, static_cast<double>(coupons_when_named),
              0.1 * static_cast<double>(coupons_when_named));
  EXPECT_GE(scanned, coupons_before_scan);
  EXPECT_LE(scanned, coupons_after_scan + kCouponsPerSecond);
  EXPECT_NEAR(estimate, static_cast<double>(scanned), 0.1 * static_cast<double>(scanned));

  // The budget holds, as Redis measures it and as the daemon exports it.
  EXPECT_GT(usec, 0u);
  EXPECT_LE(static_cast<double>(usec), kBudget * wall * 1e6);
  EXPECT_LE(redis_seconds, kBudget * wall);

  // On schedule: the p99 of the poll lag with sampling is at most one bucket
  // (2-2.5x) above the p99 without, or within 25 ms (2.5 % of the default
  // 1 s interval: still on schedule). Two daemons' p99 over the same ~300
  // polls are each a third-latest poll, which differ by chance. A sampler
  // that held up the poller for its pipelines (20 ms and more each at
  // 20,000 keys/s) would exceed both.
  EXPECT_GE(without.polls, 200);
  EXPECT_GE(with.polls, 200);
  if (!kSanitized) {
    EXPECT_TRUE(with.bucket <= without.bucket + 1 || with.seconds <= 0.025)
        << "poll lag p99 " << with.seconds << " s with sampling, " << without.seconds
        << " s without";
  }
}

}  // namespace keyspace_incident_test
}  // namespace memwatch::testing
