// The status page and its JSON, rendered from hand-made TargetStatus:
// urgency order, what a person reads, and text from outside kept text.
#include "metrics/status_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memwatch::metrics {
namespace status_page_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNow = 1796601600;  // 2026-12-07 00:00:00 UTC
constexpr int64_t kGiB = int64_t{1024} * 1024 * 1024;
const PageContext kCtx{"0.1.0", kNow, 1};

TargetStatus Up(const std::string& name, std::vector<Finding> findings = {}) {
  TargetStatus t;
  t.name = name;
  t.polled = true;
  t.up = true;
  t.last_success_wall = kNow - 1;
  t.used_memory = 3 * kGiB;
  t.limit = EffectiveLimit{4 * kGiB, "maxmemory"};
  t.maxmemory_policy = "noeviction";
  t.role = "master";
  t.findings = std::move(findings);
  // A full hour of history, growing.
  for (size_t i = 0; i < kHistoryPoints; ++i) {
    const double wall = kNow - kHistoryStepSeconds * static_cast<double>(kHistoryPoints - i);
    t.history.push_back({wall, 2 * kGiB + static_cast<int64_t>(i) * (kGiB / 120)});
  }
  return t;
}

Finding Make(const std::string& check, Severity severity, const std::string& summary = "s",
             const std::string& fix = "") {
  Finding f;
  f.check = check;
  f.severity = severity;
  f.summary = summary;
  f.fix = fix;
  return f;
}

std::vector<std::string> Names(const std::vector<TargetStatus>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) out.push_back(t.name);
  return out;
}

TEST(StatusPageTest, MostUrgentFirst) {
  TargetStatus down = Up("d");
  down.up = false;
  TargetStatus pending;
  pending.name = "a-pending";
  std::vector<TargetStatus> targets{Up("b-ok"),
                                    pending,
                                    Up("w", {Make("x", Severity::kWarning)}),
                                    Up("c", {Make("x", Severity::kCritical)}),
                                    down,
                                    Up("a-ok", {Make("x", Severity::kInfo)})};
  SortByUrgency(&targets);
  EXPECT_THAT(Names(targets), ElementsAre("d", "c", "w", "a-ok", "b-ok", "a-pending"));
}

TEST(StatusPageTest, ShowsTheLimitTheFindingsAndTheirFixes) {
  TargetStatus t =
      Up("orders", {Make("noeviction", Severity::kWarning, "maxmemory-policy is noeviction",
                         "CONFIG SET maxmemory-policy allkeys-lru")});
  t.time_to_full_seconds = 3600;
  const std::string page = RenderStatusPage({t}, kCtx);
  EXPECT_THAT(page, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(page, HasSubstr("<span class=\"badge\">WARNING</span> <a href=\"targets/orders\">"
                              "orders</a>"));
  EXPECT_THAT(page, HasSubstr("used 3 GiB of 4 GiB (75%), limit from maxmemory"));
  EXPECT_THAT(page, HasSubstr("<meter"));
  EXPECT_THAT(page, HasSubstr("full in about 1 h at the current growth"));
  EXPECT_THAT(page, HasSubstr("noeviction: maxmemory-policy is noeviction"));
  EXPECT_THAT(page, HasSubstr("<pre>CONFIG SET maxmemory-policy allkeys-lru</pre>"));
  EXPECT_THAT(page, HasSubstr("href=\"status.css\""));  // relative: works under a prefix
  EXPECT_THAT(page, HasSubstr("<script src=\"status.js\" defer></script>"));
  EXPECT_THAT(page, HasSubstr("<body data-refresh=\"1\">"));
  EXPECT_THAT(page, Not(HasSubstr("<script>")));  // no inline script: the CSP allows none
  EXPECT_THAT(page, Not(HasSubstr("style=")));    // the CSP allows no inline style
}

TEST(StatusPageTest, ADownTargetSaysSinceWhen) {
  TargetStatus t = Up("cache");
  t.up = false;
  t.last_success_wall = kNow - 90;
  const std::string page = RenderStatusPage({t}, kCtx);
  EXPECT_THAT(page, HasSubstr("DOWN"));
  EXPECT_THAT(page, HasSubstr("last successful poll 2026-12-06 23:58:30 UTC (2 min ago)"));
}

TEST(StatusPageTest, TheTargetPageShowsEvidenceAndRecentPollErrors) {
  TargetStatus t = Up("orders", {Make("noeviction", Severity::kWarning, "sum", "fix")});
  t.findings[0].evidence = {{"maxmemory-policy", "noeviction"}};
  t.recent_errors = {{kNow - 60, "timeout", "no reply within 500 ms"},
                     {kNow - 30, "tls", "TLS: <the> certificate expired"}};
  const std::string page = RenderTargetPage(t, PageContext{"0.1.0", kNow, 0.1});
  EXPECT_THAT(page, HasSubstr("<th>maxmemory-policy</th><td>noeviction</td>"));
  EXPECT_THAT(page, HasSubstr("href=\"../status.css\""));
  EXPECT_THAT(page, HasSubstr("<a href=\"../\">redis-memwatch</a>"));
  EXPECT_THAT(page, HasSubstr("<body data-refresh=\"1\">"));  // never faster than 1 s
  // Newest error first, escaped.
  const size_t tls = page.find("TLS: &lt;the&gt; certificate expired");
  const size_t timeout = page.find("no reply within 500 ms");
  ASSERT_NE(tls, std::string::npos) << page;
  ASSERT_NE(timeout, std::string::npos);
  EXPECT_LT(tls, timeout);
  t.recent_errors.clear();
  EXPECT_THAT(RenderTargetPage(t, kCtx), HasSubstr("none since the daemon started"));
}

TEST(StatusPageTest, TextFromOutsideStaysText) {
  const std::string hostile = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>";
  TargetStatus t = Up("r", {Make(hostile, Severity::kCritical, hostile, hostile)});
  t.maxmemory_policy = hostile;
  t.role = hostile;
  const std::string page = RenderStatusPage({t}, PageContext{hostile, kNow, 1});
  EXPECT_THAT(page, Not(HasSubstr("<script>")));
  EXPECT_THAT(page, Not(HasSubstr("<img")));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img"));
}

TEST(StatusPageTest, ShowsTheRoleAndTheLastHourAsASparkline) {
  TargetStatus replica = Up("r");
  replica.role = "slave";
  replica.time_to_full_seconds = 600;
  const std::string page = RenderStatusPage({Up("p"), replica}, kCtx);
  EXPECT_THAT(page, HasSubstr("p</a> <span class=\"role\">primary</span></h2>"));
  EXPECT_THAT(page, HasSubstr("r</a> <span class=\"role\">replica</span></h2>"));
  EXPECT_THAT(page, HasSubstr("<svg class=\"spark\""));
  EXPECT_THAT(page, HasSubstr("<line class=\"forecast\""));  // only the replica's grows to full
  EXPECT_THAT(page, HasSubstr("<link rel=\"icon\" href=\"favicon.svg\""));
  EXPECT_THAT(RenderTargetPage(replica, kCtx),
              HasSubstr("<link rel=\"icon\" href=\"../favicon.svg\""));
  EXPECT_THAT(StatusPageIcon(), HasSubstr("<svg"));
}

TEST(StatusPageTest, TheIndexShowsEachReceiversDeliveries) {
  PageContext ctx{"0.1.0", kNow, 1};
  ReceiverNotificationStats hook;
  hook.receiver = "oncall-slack";
  hook.queue_length = 2;
  RecentNotification n;
  n.id = "n1";
  n.target = "orders";
  n.headline = "critical: oom_rejections";
  n.state = alerting::NotificationResult::kRetried;
  n.reason = "HTTP 503";
  n.attempts = 3;
  n.updated_at = kNow - 4;
  hook.recent.push_back(n);
  ctx.receivers.push_back(hook);
  const std::string page = RenderStatusPage({Up("orders")}, ctx);
  EXPECT_THAT(page, HasSubstr("<h3>oncall-slack</h3><p class=\"facts\">queue 2;"));
  EXPECT_THAT(page, HasSubstr("<span class=\"state\">retrying</span> (attempt 3): HTTP 503"));
  EXPECT_THAT(RenderTargetPage(Up("orders"), ctx), Not(HasSubstr("Receivers")));
  const nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({Up("orders")}, ctx));
  EXPECT_EQ(doc["receivers"][0]["receiver"], "oncall-slack");
  EXPECT_EQ(doc["receivers"][0]["recent"][0]["state"], "retrying");
  EXPECT_EQ(doc["receivers"][0]["recent"][0]["reason"], "HTTP 503");
}

TEST(StatusPageTest, JsonCarriesTheSameData) {
  TargetStatus t = Up("orders", {Make("noeviction", Severity::kWarning, "sum", "fix")});
  t.findings[0].evidence = {{"maxmemory-policy", "noeviction"}};
  TargetStatus down;
  down.name = "gone";
  down.polled = true;
  const nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({t, down}, kCtx));
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_EQ(doc["memwatch_version"], "0.1.0");
  ASSERT_EQ(doc["targets"].size(), 2U);
  const auto& j = doc["targets"][0];
  EXPECT_EQ(j["name"], "orders");
  EXPECT_EQ(j["state"], "up");
  EXPECT_EQ(j["used_memory_bytes"], 3 * kGiB);
  EXPECT_EQ(j["limit"]["source"], "maxmemory");
  EXPECT_EQ(j["findings"][0]["check"], "noeviction");
  EXPECT_EQ(j["findings"][0]["severity"], "warning");
  EXPECT_EQ(j["findings"][0]["evidence"]["maxmemory-policy"], "noeviction");
  EXPECT_EQ(j["findings"][0]["fix"], "fix");
  EXPECT_EQ(j["role"], "master");
  ASSERT_EQ(j["memory_history"].size(), kHistoryPoints);
  EXPECT_EQ(j["memory_history"][0][0], t.history[0].wall);
  EXPECT_EQ(j["memory_history"][0][1], t.history[0].used);
  EXPECT_EQ(doc["targets"][1]["state"], "down");
  EXPECT_FALSE(doc["targets"][1].contains("used_memory_bytes"));
}

TEST(StatusPageTest, InvalidUtf8IsReplacedNotThrown) {
  TargetStatus t = Up("r", {Make("x", Severity::kInfo, std::string("bad \xff\xfe byte"))});
  const nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({t}, kCtx));
  EXPECT_THAT(doc["targets"][0]["findings"][0]["summary"].get<std::string>(), HasSubstr("bad "));
}

TEST(StatusPageTest, TwentyTargetsStayWellUnder100KiB) {
  std::vector<TargetStatus> targets;
  for (int i = 0; i < 20; ++i) {
    std::vector<Finding> findings;
    for (int k = 0; k < 4; ++k) {
      findings.push_back(Make("check" + std::to_string(k), Severity::kWarning,
                              std::string(200, 's'), std::string(300, 'f')));
    }
    targets.push_back(Up("target-" + std::to_string(i), findings));
  }
  EXPECT_LT(RenderStatusPage(targets, kCtx).size(), size_t{100} * 1024);
}

}  // namespace status_page_test
}  // namespace memwatch::metrics
