// Loading valid configs: every key lands in the right field, in base units,
// and defaults fill the rest.
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace memwatch::config {
namespace config_loader_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::kFile;
using testutil::kTarget;
using testutil::Load;
using testutil::OnlyError;
using testutil::TempDir;

constexpr double kGiB = 1024.0 * 1024 * 1024;

TEST(LoadConfigTest, CompleteConfigRoundTrip) {
  TempDir dir;
  dir.Write("cache.pass", "pw-from-file\n\n");
  const std::string path = dir.Write("memwatch.yaml", R"(# redis-memwatch
listen: "127.0.0.1:9480"
interval: 2s
timeout: 250ms
checks:
  memory_high: {warning: 85%, critical: 0.95}
  time_to_full: {warning: 1h, critical: 10m, window: 15m}
  no_ttl_growth: {enabled: false}
  fragmentation:
    enabled: true
    bytes: 100MiB
    ratio: 1.4
targets:
  - name: coupon-redis
    address: 127.0.0.1:6379
    username: monitor
    password: ${REDIS_PASSWORD}
    memory_limit: 4GiB
    checks:
      memory_high: {warning: 70%}
  - name: sessions
    address: redis://:${SESSIONS_PASSWORD}@[::1]:6380/2
  - name: cache.local:0
    address: unix:/run/redis/redis.sock
    password_file: cache.pass
)");
  const LoadResult r =
      LoadConfigFile(path, FakeEnv({{"REDIS_PASSWORD", "hunter2"}, {"SESSIONS_PASSWORD", "p@ss"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const Config& c = *r.config;
  EXPECT_EQ(c.source_file, path);
  EXPECT_EQ(c.listen, "127.0.0.1:9480");
  EXPECT_EQ(c.interval, seconds(2));
  EXPECT_EQ(c.timeout, milliseconds(250));

  ASSERT_EQ(c.checks.size(), 4u);
  EXPECT_THAT(c.checks.at("memory_high").params,
              ElementsAre(Pair("critical", 0.95), Pair("warning", 0.85)));
  EXPECT_EQ(c.checks.at("memory_high").enabled, std::nullopt);
  EXPECT_THAT(c.checks.at("time_to_full").params,
              ElementsAre(Pair("critical", 600.0), Pair("warning", 3600.0), Pair("window", 900.0)));
  EXPECT_EQ(c.checks.at("no_ttl_growth").enabled, false);
  EXPECT_THAT(c.checks.at("no_ttl_growth").params, IsEmpty());
  EXPECT_EQ(c.checks.at("fragmentation").enabled, true);
  EXPECT_THAT(c.checks.at("fragmentation").params,
              ElementsAre(Pair("bytes", 100.0 * 1024 * 1024), Pair("ratio", 1.4)));

  ASSERT_EQ(c.targets.size(), 3u);
  const TargetConfig& coupon = c.targets[0];
  EXPECT_EQ(coupon.name, "coupon-redis");
  EXPECT_EQ(coupon.line, 14);
  EXPECT_EQ(coupon.endpoint.kind, Endpoint::Kind::kTcp);
  EXPECT_EQ(coupon.endpoint.host, "127.0.0.1");
  EXPECT_EQ(coupon.endpoint.port, 6379);
  EXPECT_EQ(coupon.display_address, "127.0.0.1:6379");
  EXPECT_EQ(coupon.username, "monitor");
  EXPECT_EQ(coupon.password, Secret("hunter2"));
  EXPECT_EQ(coupon.memory_limit, 4 * static_cast<int64_t>(kGiB));
  ASSERT_EQ(coupon.checks.size(), 1u);
  EXPECT_THAT(coupon.checks.at("memory_high").params, ElementsAre(Pair("warning", 0.70)));

  const TargetConfig& sessions = c.targets[1];
  EXPECT_EQ(sessions.name, "sessions");
  EXPECT_EQ(sessions.endpoint.host, "::1");
  EXPECT_EQ(sessions.endpoint.port, 6380);
  EXPECT_EQ(sessions.endpoint.db, 2);
  EXPECT_EQ(sessions.display_address, "redis://:***@[::1]:6380/2");
  EXPECT_EQ(sessions.username, std::nullopt);
  EXPECT_EQ(sessions.password, Secret("p@ss"));
  EXPECT_EQ(sessions.memory_limit, std::nullopt);
  EXPECT_THAT(sessions.checks, IsEmpty());

  const TargetConfig& cache = c.targets[2];
  EXPECT_EQ(cache.name, "cache.local:0");
  EXPECT_EQ(cache.endpoint.kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(cache.endpoint.path, "/run/redis/redis.sock");
  EXPECT_EQ(cache.display_address, "unix:/run/redis/redis.sock");
  EXPECT_EQ(cache.password, Secret("pw-from-file"));
}

TEST(LoadConfigTest, DefaultsApplyWhenKeysAreOmitted) {
  const LoadResult r = Load(kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->source_file, kFile);
  EXPECT_EQ(r.config->listen, "127.0.0.1:9479");
  EXPECT_EQ(r.config->interval, seconds(1));
  EXPECT_EQ(r.config->timeout, milliseconds(500));
  EXPECT_THAT(r.config->checks, IsEmpty());
  ASSERT_EQ(r.config->targets.size(), 1u);
  EXPECT_EQ(r.config->targets[0].line, 2);
  EXPECT_EQ(r.config->targets[0].password, std::nullopt);
  EXPECT_EQ(r.config->targets[0].username, std::nullopt);
  EXPECT_EQ(r.config->targets[0].provider, std::nullopt);  // auto
}

TEST(LoadConfigTest, EmptyChecksBlockMeansNoOverrides) {
  const LoadResult r = Load(std::string("checks:\n") + kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_THAT(r.config->checks, IsEmpty());
}

TEST(LoadConfigTest, PercentAcceptsPercentAndFraction) {
  const LoadResult r = Load(std::string("checks:\n"
                                        "  memory_high: {warning: 85.5%, critical: 100%, "
                                        "clear_margin: 0.05}\n"
                                        "  noeviction: {critical_used: 1}\n") +
                            kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_THAT(r.config->checks.at("memory_high").params,
              ElementsAre(Pair("clear_margin", 0.05), Pair("critical", 1.0),
                          Pair("warning", ::testing::DoubleEq(0.855))));
  EXPECT_THAT(r.config->checks.at("noeviction").params, ElementsAre(Pair("critical_used", 1.0)));
}

TEST(LoadConfigTest, NumbersAndShortDurations) {
  const LoadResult r = Load(std::string("checks:\n"
                                        "  command_timeouts: {min_latency: 100ms, "
                                        "latency_factor: 2.5, critical_after: 3}\n"
                                        "  persistence_failing: {enabled: FALSE}\n") +
                            kTarget);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_THAT(r.config->checks.at("command_timeouts").params,
              ElementsAre(Pair("critical_after", 3.0), Pair("latency_factor", 2.5),
                          Pair("min_latency", 0.1)));
  EXPECT_EQ(r.config->checks.at("persistence_failing").enabled, false);
}

TEST(LoadConfigTest, ListenForms) {
  for (std::string_view listen : {"[::1]:9479", "0.0.0.0:9479", "127.0.0.1:0", "localhost:80"}) {
    const LoadResult r = Load("listen: \"" + std::string(listen) + "\"\n" + kTarget);
    ASSERT_TRUE(r.ok()) << listen << "\n" << AllErrors(r);
    EXPECT_EQ(r.config->listen, listen);
  }
  // Every interface, spelled out for the HTTP server.
  const LoadResult any = Load(std::string("listen: \":9479\"\n") + kTarget);
  ASSERT_TRUE(any.ok()) << AllErrors(any);
  EXPECT_EQ(any.config->listen, "0.0.0.0:9479");
}

TEST(LoadConfigTest, RoutePrefixForms) {
  for (const auto& [written, kept] :
       std::vector<std::pair<std::string, std::string>>{{"/", ""},
                                                        {"/memwatch", "/memwatch"},
                                                        {"/ops/memwatch/", "/ops/memwatch"},
                                                        {"/a.b_c~d-e", "/a.b_c~d-e"}}) {
    const LoadResult r = Load("route_prefix: " + written + "\n" + kTarget);
    ASSERT_TRUE(r.ok()) << written << "\n" << AllErrors(r);
    EXPECT_EQ(r.config->route_prefix, kept) << written;
  }
  EXPECT_EQ(Load(kTarget).config->route_prefix, "");
}

TEST(LoadConfigTest, EnvironmentIsExpandedInAnyValue) {
  const LoadResult r = Load(
      "interval: ${INTERVAL}\n"
      "targets:\n"
      "  - name: ${NAME}\n"
      "    address: ${HOST}:6379\n"
      "    password: a$$b${PW}\n",
      FakeEnv({{"INTERVAL", "5s"}, {"NAME", "n1"}, {"HOST", "10.1.2.3"}, {"PW", "c"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->interval, seconds(5));
  EXPECT_EQ(r.config->targets[0].name, "n1");
  EXPECT_EQ(r.config->targets[0].endpoint.host, "10.1.2.3");
  EXPECT_EQ(r.config->targets[0].password, Secret("a$bc"));
}

TEST(LoadConfigTest, PasswordFileStripsOnlyTrailingNewlines) {
  TempDir dir;
  const std::string pass = dir.Write("pass", "  pass word \r\n");
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    password_file: " +
      pass + "\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].password, Secret("  pass word "));
}

TEST(LoadConfigTest, RelativePasswordFileIsFoundNextToTheConfig) {
  TempDir dir;
  dir.Write("p", "pw\n");
  const LoadResult r = LoadConfigText("targets:\n  - {name: a, address: 'h:1', password_file: p}\n",
                                      dir.path() + "/x.yaml", FakeEnv());
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].password, Secret("pw"));
}

TEST(LoadConfigTest, UrlUsernameAndPassword) {
  const LoadResult r = Load("targets:\n  - name: a\n    address: redis://monitor:s%40cret@h:1/0\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].username, "monitor");
  EXPECT_EQ(r.config->targets[0].password, Secret("s@cret"));
  EXPECT_EQ(r.config->targets[0].display_address, "redis://monitor:***@h:1/0");
}

TEST(LoadConfigTest, ByteOrderMarkAndCrlfAreAccepted) {
  const LoadResult r =
      Load("\xEF\xBB\xBFinterval: 3s\r\ntargets:\r\n  - name: a\r\n    address: h:1\r\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->interval, seconds(3));
  EXPECT_EQ(r.config->targets[0].endpoint.port, 1);
}

TEST(LoadConfigTest, QuotedValuesWithEscapedQuotesAreClosed) {
  const LoadResult r = Load(
      "targets:\n  - name: a\n    address: h:1\n    password: 'it''s \"x\"'\n"
      "  - name: b\n    address: h:2\n    password: \"a\\\"b\"\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].password, Secret("it's \"x\""));
  EXPECT_EQ(r.config->targets[1].password, Secret("a\"b"));
}

TEST(LoadConfigFileTest, MissingFile) {
  TempDir dir;
  const std::string path = dir.path() + "/nope.yaml";
  const LoadResult r = LoadConfigFile(path, FakeEnv());
  EXPECT_EQ(OnlyError(r), path + ": cannot read the config file: No such file or directory");
  EXPECT_EQ(r.errors[0].line, 0);
}

TEST(LoadConfigFileTest, DirectoryInsteadOfFile) {
  TempDir dir;
  const LoadResult r = LoadConfigFile(dir.path(), FakeEnv());
  EXPECT_EQ(OnlyError(r), dir.path() + ": cannot read the config file: Is a directory");
}

TEST(LoadConfigFileTest, ErrorsNameTheFile) {
  TempDir dir;
  const std::string path = dir.Write("bad.yaml", "interval: 0s\n" + std::string(kTarget));
  const LoadResult r = LoadConfigFile(path, FakeEnv());
  EXPECT_EQ(OnlyError(r), path + ":1:11: interval: expected a duration greater than 0, got '0s'");
}

}  // namespace config_loader_test
}  // namespace memwatch::config
