// keyspace.protected end to end, the built daemon against a real Redis:
// allkeys-lru with session:* keys gives protected_keys_evictable; with
// eviction events turned on (by the test: the daemon never changes the
// server's configuration) a Redis filled past maxmemory that evicts
// session:* keys raises protected_key_evicted within a second, naming
// the keys escaped, hostile names included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"
#include "memwatch/clock.h"
#include "poller/command_client.h"

namespace memwatch::testing {
namespace protected_keys_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Config(const RedisServer& redis, const std::string& keyspace) {
  return "listen: \"127.0.0.1:0\"\n"
         "interval: 1s\n"
         "keyspace: " +
         keyspace +
         "\n"
         "targets:\n"
         "  - name: r\n"
         "    address: 127.0.0.1:" +
         std::to_string(redis.Port()) + "\n";
}

// The finding of `check` on target r in /api/v1/status; nullopt when absent.
std::optional<nlohmann::json> FindingOf(int port, const std::string& check) {
  const std::optional<HttpResponse> api = HttpGet(port, "/api/v1/status");
  if (!api || api->status != 200) return std::nullopt;
  const nlohmann::json doc = nlohmann::json::parse(api->body, nullptr, false);
  if (doc.is_discarded()) return std::nullopt;
  for (const auto& t : doc["targets"]) {
    for (const auto& f : t["findings"]) {
      if (f["check"] == check) return f;
    }
  }
  return std::nullopt;
}

int64_t InfoField(const RedisServer& redis, const std::string& section, const std::string& key) {
  const std::string info = redis.Cli({"INFO", section});
  const size_t at = info.find(key + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + key.size() + 1));
}

TEST(ProtectedKeysTest, AllkeysLruWithASessionPatternIsEvictable) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  redis.Cli({"EVAL",
             "for i = 1, 50 do redis.call('SET', 'session:' .. i, 'v') end "
             "for i = 1, 50 do redis.call('SET', 'cache:' .. i, 'v', 'EX', 600) end",
             "0"});
  DaemonProcess d(Config(redis, "{protected: [\"session:*\"], interval: 1s}"));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  std::optional<nlohmann::json> f;
  // After the sampler's first complete cycle the finding also counts them.
  ASSERT_TRUE(WaitFor(
      [&] {
        f = FindingOf(port, "protected_keys_evictable");
        return f &&
               f->at("summary").get<std::string>().find("the sample found 50") != std::string::npos;
      },
      seconds(20)))
      << (f ? f->dump() : "no finding") << d.Log();
  EXPECT_EQ((*f)["severity"], "warning");
  const std::string summary = (*f)["summary"];
  EXPECT_THAT(summary, HasSubstr("(`session:*`): policy allkeys-lru evicts any key"));
  EXPECT_EQ((*f)["evidence"]["protected keys sampled"], "50 (0 with a TTL)");
  EXPECT_THAT(std::string((*f)["fix"]), HasSubstr("volatile-lru"));
  EXPECT_EQ(d.Value("redis_memwatch_finding{target=\"r\",check=\"protected_keys_evictable\","
                    "severity=\"warning\"}"),
            1.0);
  // Without eviction events on the server, the daemon says so, and leaves
  // the setting alone.
  EXPECT_TRUE(WaitFor([&] {
    return d.Log().find("does not announce evictions") != std::string::npos;
  })) << d.Log();
  EXPECT_EQ(redis.Cli({"CONFIG", "GET", "notify-keyspace-events"}), "notify-keyspace-events\n");
}

TEST(ProtectedKeysTest, AnEvictedSessionKeyIsReportedWithinASecond) {
  RedisServer redis({"--maxmemory", "4mb", "--maxmemory-policy", "allkeys-random"});
  ASSERT_EQ(redis.Cli({"CONFIG", "SET", "notify-keyspace-events", "Ee"}), "OK");
  DaemonProcess d(Config(redis, "{protected: [\"session:*\"]}"));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Log().find("watching evictions") != std::string::npos; }))
      << d.Log();
  ASSERT_FALSE(FindingOf(port, "protected_key_evicted").has_value());

  // Fill it with session keys, hostile names among them, 200 writes at a
  // time, until Redis evicts.
  SystemClock clock;
  poller::PollTarget target;
  target.name = "r";
  target.endpoint.host = "127.0.0.1";
  target.endpoint.port = redis.Port();
  poller::CommandClient client(target, {}, clock);
  const std::string value(200, 'v');
  std::optional<steady_clock::time_point> batch_start;
  std::optional<steady_clock::time_point> seen;
  for (int batch = 0; batch < 500 && !seen; ++batch) {
    std::vector<std::vector<std::string>> writes;
    for (int i = 0; i < 200; ++i) {
      const int n = batch * 200 + i;
      std::string key = n % 50 == 7 ? "session:\"q\"\n<script>:" + std::to_string(n)
                                    : "session:" + std::to_string(n);
      writes.push_back({"SET", std::move(key), value});
    }
    batch_start = steady_clock::now();
    ASSERT_TRUE(client.Pipeline(writes, steady_clock::now() + seconds(10)).ok());
    if (InfoField(redis, "stats", "evicted_keys") > 0) seen = steady_clock::now();
  }
  ASSERT_TRUE(seen.has_value()) << "Redis never evicted";
  std::optional<nlohmann::json> f;
  ASSERT_TRUE(WaitFor([&] { return (f = FindingOf(port, "protected_key_evicted")).has_value(); },
                      seconds(5)))
      << d.Log();
  const auto found = steady_clock::now();
  const double after_seen = std::chrono::duration<double>(found - *seen).count();
  const double after_batch = std::chrono::duration<double>(found - *batch_start).count();
  std::printf(
      "protected_key_evicted %.3f s after INFO showed the first eviction "
      "(%.3f s after the batch that caused it began)\n",
      after_seen, after_batch);
  EXPECT_LT(after_seen, 1.0);
  EXPECT_EQ((*f)["severity"], "critical");
  const std::string summary = (*f)["summary"];
  EXPECT_THAT(summary, HasSubstr("that must never be evicted (`session:*`): `session:"));
  EXPECT_THAT(summary, Not(HasSubstr("\n")));
  EXPECT_EQ(d.Value("redis_memwatch_finding{target=\"r\",check=\"protected_key_evicted\","
                    "severity=\"critical\"}"),
            1.0);

  // Keep filling until a hostile name has been evicted too: it comes out
  // escaped (quotes and newline as \" and \x0a), never raw.
  bool hostile = false;
  for (int batch = 500; batch < 1500 && !hostile; ++batch) {
    std::vector<std::vector<std::string>> writes;
    for (int i = 0; i < 200; ++i) {
      const int n = batch * 200 + i;
      writes.push_back({"SET", "session:\"q\"\n<script>:" + std::to_string(n), value});
    }
    ASSERT_TRUE(client.Pipeline(writes, steady_clock::now() + seconds(10)).ok());
    WaitFor(
        [&] {
          f = FindingOf(port, "protected_key_evicted");
          hostile = f && std::string((*f)["summary"]).find("<script>") != std::string::npos;
          return hostile;
        },
        milliseconds(300));
  }
  ASSERT_TRUE(hostile) << (f ? f->dump() : "no finding");
  const std::string escaped = (*f)["summary"];
  EXPECT_THAT(escaped, HasSubstr("`session:\\\"q\\\"\\x0a<script>:"));
  EXPECT_THAT(escaped, Not(HasSubstr("\n")));
  EXPECT_THAT(std::string((*f)["evidence"]["protected keys evicted"]),
              HasSubstr("since the daemon started watching"));
  // The daemon did not touch the server's configuration.
  EXPECT_EQ(redis.Cli({"CONFIG", "GET", "notify-keyspace-events"}), "notify-keyspace-events\neE");
}

// A reload that adds protected patterns subscribes (one pattern
// subscription on the server) and the finding follows; one that drops them
// unsubscribes and the finding clears.
TEST(ProtectedKeysTest, AReloadStartsAndStopsTheWatch) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  DaemonProcess d(Config(redis, "{interval: 1s}"));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  const auto patterns = [&] { return redis.Cli({"PUBSUB", "NUMPAT"}); };
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  EXPECT_EQ(patterns(), "0");
  EXPECT_FALSE(FindingOf(port, "protected_keys_evictable").has_value());

  std::ofstream(d.ConfigPath(), std::ios::trunc)
      << Config(redis, "{interval: 1s, protected: [\"session:*\"]}");
  d.Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return patterns() == "1"; })) << d.Log();
  EXPECT_TRUE(WaitFor([&] { return FindingOf(port, "protected_keys_evictable").has_value(); }))
      << d.Log();

  std::ofstream(d.ConfigPath(), std::ios::trunc) << Config(redis, "{interval: 1s}");
  d.Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return patterns() == "0"; })) << d.Log();
  EXPECT_TRUE(WaitFor([&] { return !FindingOf(port, "protected_keys_evictable").has_value(); }))
      << d.Log();
}

// A monitoring user without the channel (Redis 7 gives new users none):
// the refusal is logged with what to grant, and the daemon keeps polling.
TEST(ProtectedKeysTest, ARefusedSubscriptionIsLoggedAndPollingGoesOn) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_EQ(
      redis.Cli({"ACL", "SETUSER", "mon", "on", ">s3cr3t-pw-9", "~*", "+@all", "resetchannels"}),
      "OK");
  DaemonProcess d(Config(redis, "{protected: [\"session:*\"]}") +
                  "    username: mon\n    password: s3cr3t-pw-9\n");
  ASSERT_GT(d.WaitForPort(), 0) << d.Log();
  EXPECT_TRUE(WaitFor([&] {
    return d.Log().find(
               "eviction watch failed: PSUBSCRIBE __keyevent@*__:evicted refused: "
               "NOPERM") != std::string::npos;
  })) << d.Log();
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  EXPECT_EQ(redis.Cli({"PUBSUB", "NUMPAT"}), "0");
  EXPECT_THAT(d.Log(), Not(HasSubstr("s3cr3t-pw-9")));
}

}  // namespace protected_keys_test
}  // namespace memwatch::testing
