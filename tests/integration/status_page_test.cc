// The status page and /api/v1/status of the built daemon watching real
// redis-servers: what a person on call reads, the headers that keep the
// page self-contained, and no secret anywhere.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace status_page_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Config(const RedisServer& stock, const RedisServer& guarded,
                   const std::string& password) {
  return "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntargets:\n"
         "  - name: stock\n    address: 127.0.0.1:" +
         std::to_string(stock.Port()) +
         "\n  - name: guarded\n    address: 127.0.0.1:" + std::to_string(guarded.Port()) + "\n" +
         (password.empty() ? "" : "    password: " + password + "\n");
}

TEST(StatusPageTest, AStockRedisShowsItsFindingsAndFixesFirst) {
  const std::string secret = "status-page-s3cret";
  RedisServer stock;
  RedisServer guarded(
      {"--requirepass", secret, "--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  DaemonProcess d(Config(stock, guarded, secret));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_up{target=\"stock\"}") == 1.0 &&
           d.Value("redis_up{target=\"guarded\"}") == 1.0;
  })) << d.Log();

  const std::optional<HttpResponse> page = HttpGet(port, "/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->head, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(page->head,
              HasSubstr("Content-Security-Policy: default-src 'none'; script-src 'self'; "
                        "style-src 'self'"));
  const std::string& html = page->body;
  // The target in trouble comes first, with its findings and their fixes.
  const size_t stock_at = html.find("\">stock</a>");
  const size_t guarded_at = html.find("\">guarded</a>");
  ASSERT_NE(stock_at, std::string::npos) << html;
  ASSERT_NE(guarded_at, std::string::npos) << html;
  EXPECT_LT(stock_at, guarded_at);
  EXPECT_THAT(html, HasSubstr("maxmemory_unset"));
  EXPECT_THAT(html, HasSubstr("noeviction"));
  EXPECT_THAT(html, HasSubstr("CONFIG SET maxmemory "));
  EXPECT_THAT(html, HasSubstr("CONFIG SET maxmemory-policy "));
  EXPECT_THAT(html, HasSubstr("limit from maxmemory"));
  EXPECT_THAT(html, Not(HasSubstr(secret)));

  for (const char* path : {"/status.css", "/status.js"}) {
    const std::optional<HttpResponse> asset = HttpGet(port, path);
    ASSERT_TRUE(asset.has_value()) << path;
    EXPECT_EQ(asset->status, 200) << path;
  }

  const std::optional<HttpResponse> target = HttpGet(port, "/targets/stock");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->status, 200);
  EXPECT_THAT(target->body, HasSubstr("<th>maxmemory_policy</th><td>noeviction</td>"));
  EXPECT_THAT(target->body, HasSubstr("Recent poll errors"));
  const std::optional<HttpResponse> unknown = HttpGet(port, "/targets/%3Cscript%3E");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 404);

  const std::optional<HttpResponse> api = HttpGet(port, "/api/v1/status");
  ASSERT_TRUE(api.has_value());
  EXPECT_EQ(api->status, 200);
  EXPECT_THAT(api->body, Not(HasSubstr(secret)));
  const nlohmann::json doc = nlohmann::json::parse(api->body);
  EXPECT_EQ(doc["format_version"], 1);
  ASSERT_EQ(doc["targets"].size(), 2U);
  EXPECT_EQ(doc["targets"][0]["name"], "stock");
  EXPECT_EQ(doc["targets"][0]["state"], "up");
  std::vector<std::string> checks;
  for (const auto& f : doc["targets"][0]["findings"]) checks.push_back(f["check"]);
  EXPECT_THAT(checks, ::testing::IsSupersetOf({"maxmemory_unset", "noeviction"}));
  EXPECT_EQ(doc["targets"][1]["limit"]["source"], "maxmemory");
}

TEST(StatusPageTest, ADownTargetIsShownFirstAsDown) {
  RedisServer stock;
  RedisServer other;
  DaemonProcess d(Config(stock, other, ""));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"stock\"}") == 1.0; })) << d.Log();
  stock.Stop();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"stock\"}") == 0.0; })) << d.Log();
  const std::optional<HttpResponse> page = HttpGet(port, "/");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(page->body,
              HasSubstr("<span class=\"badge\">DOWN</span> <a href=\"targets/stock\">"));
  EXPECT_THAT(page->body, HasSubstr("not answering; last successful poll"));
  const std::optional<HttpResponse> target = HttpGet(port, "/targets/stock");
  ASSERT_TRUE(target.has_value());
  EXPECT_THAT(target->body, HasSubstr("<td>refused</td>"));
}

// Keyspace sampling on the page: a sampled target shows its top prefixes
// (counts of a complete cycle, so exact), a hostile key name as text; a
// target whose sampling is off shows none, on the page or in the JSON.
TEST(StatusPageTest, ASampledTargetShowsItsTopKeyPrefixesAndOneNotSampledNone) {
  RedisServer sampled;
  sampled.Cli({"EVAL",
               "for i = 1, 300 do redis.call('SET', 'coupon:gen:' .. i, 'c') end "
               "for i = 1, 200 do redis.call('SET', 'cache:user:' .. i, 'v', 'EX', 3600) end",
               "0"});
  sampled.Cli({"SET", "q\"\\<script>alert(1)</script>:1", "x"});
  RedisServer plain;
  plain.Cli({"SET", "never:shown:1", "x"});
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 200ms\nkeyspace: {interval: 1s}\ntargets:\n"
      "  - name: sampled\n    address: 127.0.0.1:" +
      std::to_string(sampled.Port()) + "\n  - name: plain\n    address: 127.0.0.1:" +
      std::to_string(plain.Port()) + "\n    keyspace: {enabled: false}\n");
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor(
      [&] {
        return d.Value(
                   "redis_memwatch_keyspace_prefix_keys{target=\"sampled\",prefix=\"coupon:"
                   "gen:*\"}") == 300.0 &&
               d.Value("redis_up{target=\"plain\"}") == 1.0;
      },
      std::chrono::seconds(30)))
      << d.Metrics() << d.Log();

  for (const std::string path : {"/", "/targets/sampled"}) {
    const std::optional<HttpResponse> page = HttpGet(port, path);
    ASSERT_TRUE(page.has_value()) << path;
    const std::string& html = page->body;
    EXPECT_THAT(html, HasSubstr("<h3>Top key prefixes</h3>")) << path;
    EXPECT_THAT(html, HasSubstr("<tr><td>coupon:gen:*</td><td>300</td><td>300</td>")) << html;
    EXPECT_THAT(html, HasSubstr("<tr><td>cache:user:*</td><td>200</td><td>0</td>")) << html;
    EXPECT_THAT(html, HasSubstr("<tr><td>q\\&quot;\\\\&lt;script&gt;alert(1)&lt;/script&gt;:*</td>"
                                "<td>1</td><td>1</td>"))
        << html;
    EXPECT_THAT(html, HasSubstr("all prefixes: 501 keys, 301 without TTL")) << html;
    EXPECT_THAT(html, Not(HasSubstr("<script>"))) << html;
    EXPECT_THAT(html, Not(HasSubstr("never:shown"))) << html;
  }
  const std::optional<HttpResponse> plain_page = HttpGet(port, "/targets/plain");
  ASSERT_TRUE(plain_page.has_value());
  EXPECT_THAT(plain_page->body, Not(HasSubstr("prefixes")));

  const std::optional<HttpResponse> api = HttpGet(port, "/api/v1/status");
  ASSERT_TRUE(api.has_value());
  const nlohmann::json doc = nlohmann::json::parse(api->body);
  for (const nlohmann::json& t : doc["targets"]) {
    if (t["name"] == "plain") {
      EXPECT_FALSE(t.contains("keyspace")) << t;
      continue;
    }
    const nlohmann::json& top = t["keyspace"]["last_cycle"]["top_prefixes"];
    ASSERT_EQ(top.size(), 3U) << t;
    std::vector<std::string> prefixes;
    for (const nlohmann::json& p : top) prefixes.push_back(p["prefix"]);
    EXPECT_THAT(prefixes, ::testing::UnorderedElementsAre("coupon:gen:*", "cache:user:*",
                                                          "q\\\"\\\\<script>alert(1)</script>:*"));
  }
}

// Behind a proxy that passes the path on: everything under route_prefix,
// the rest redirected or 404, and a reload that moves it back to the root.
TEST(StatusPageTest, ARoutePrefixServesEverythingUnderItAndAReloadMovesIt) {
  RedisServer stock;
  RedisServer other;
  DaemonProcess d("route_prefix: /ops/memwatch/\n" + Config(stock, other, ""));
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr("/ops/memwatch/metrics"));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"stock\"}") == 1.0; })) << d.Log();

  for (const char* path :
       {"/ops/memwatch/", "/ops/memwatch/targets/stock", "/ops/memwatch/api/v1/status",
        "/ops/memwatch/status.css", "/ops/memwatch/status.js", "/ops/memwatch/favicon.svg",
        "/ops/memwatch/-/healthy", "/ops/memwatch/metrics"}) {
    const std::optional<HttpResponse> r = HttpGet(port, path);
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 200) << path;
  }
  for (const char* path : {"/", "/ops/memwatch"}) {
    const std::optional<HttpResponse> r = HttpGet(port, path);
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 302) << path;
    EXPECT_THAT(r->head, HasSubstr("Location: /ops/memwatch/\r\n")) << path;
  }
  for (const char* path : {"/metrics", "/ops/memwatchx/metrics", "/ops/metrics"}) {
    const std::optional<HttpResponse> r = HttpGet(port, path);
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 404) << path;
  }

  std::ofstream(d.ConfigPath(), std::ios::trunc) << Config(stock, other, "");
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return d.Log().find("route_prefix /ops/memwatch -> /") != std::string::npos;
  })) << d.Log();
  const std::optional<HttpResponse> root = HttpGet(port, "/metrics");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->status, 200);
}

}  // namespace status_page_test
}  // namespace memwatch::testing
