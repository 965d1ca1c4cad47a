// The receivers' part of the status page and its JSON, rendered from
// hand-made ReceiverNotificationStats: states, reasons, "ago", and text
// from the config or a receiver kept text.
#include "metrics/receiver_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memwatch::metrics {
namespace receiver_status_test {

using alerting::NotificationResult;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNow = 1796601600;  // 2026-12-07 00:00:00 UTC
constexpr std::string_view kHostile = "<script>alert(1)</script>\"'&<img src=x>";

RecentNotification Recent(std::string id, NotificationResult state, double ago_s) {
  RecentNotification r;
  r.id = std::move(id);
  r.target = "coupon-redis";
  r.headline = "critical: oom_rejections, noeviction";
  r.state = state;
  r.attempts = 1;
  r.created_at = kNow - ago_s - 2;
  r.updated_at = kNow - ago_s;
  if (state == NotificationResult::kSent) r.latency_seconds = 2;
  return r;
}

ReceiverNotificationStats Oncall() {
  ReceiverNotificationStats s;
  s.receiver = "oncall";
  s.queue_length = 2;
  s.sent = 7;
  s.retried = 3;
  s.failed = 1;
  s.dropped = 4;
  s.superseded = 5;
  RecentNotification retrying = Recent("n3", NotificationResult::kRetried, 40);
  retrying.attempts = 3;
  retrying.reason = "HTTP 503 from slack receiver oncall";
  RecentNotification dropped = Recent("n2", NotificationResult::kDropped, 600);
  dropped.target.clear();
  dropped.headline.clear();
  dropped.created_at.reset();
  dropped.reason = "queue full";
  s.recent = {retrying, Recent("n1", NotificationResult::kSent, 7200), dropped};
  return s;
}

std::string Html(const std::vector<ReceiverNotificationStats>& receivers) {
  std::string out;
  AppendReceiversHtml(&out, receivers, kNow);
  return out;
}

nlohmann::json Json(const std::vector<ReceiverNotificationStats>& receivers) {
  // As RenderStatusJson writes it: invalid UTF-8 replaced, not thrown.
  return nlohmann::json::parse(
      ReceiversJson(receivers).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST(ReceiverStatusTest, StateNames) {
  EXPECT_EQ(StateName(NotificationResult::kSent), "sent");
  EXPECT_EQ(StateName(NotificationResult::kRetried), "retrying");
  EXPECT_EQ(StateName(NotificationResult::kFailed), "failed");
  EXPECT_EQ(StateName(NotificationResult::kDropped), "dropped");
  EXPECT_EQ(StateName(NotificationResult::kSuperseded), "superseded");
}

TEST(ReceiverStatusTest, NoReceiversIsOneLine) {
  const std::string html = Html({});
  EXPECT_THAT(html, HasSubstr("<section class=\"receivers\">"));
  EXPECT_THAT(html, HasSubstr("No receivers configured"));
  EXPECT_THAT(html, Not(HasSubstr("<table")));
  EXPECT_EQ(Json({}), nlohmann::json::array());
}

TEST(ReceiverStatusTest, AReceiverWithItsQueueCountsAndLastNotifications) {
  const std::string html = Html({Oncall()});
  EXPECT_THAT(html, Not(HasSubstr("No receivers configured")));
  EXPECT_THAT(html, HasSubstr("<h3>oncall</h3>"));
  EXPECT_THAT(html, HasSubstr("queue 2; sent 7, retried 3, failed 1, dropped 4, superseded 5"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"retrying\"><td class=\"ago\">40 s ago</td>"
                              "<td>coupon-redis</td><td>critical: oom_rejections, noeviction</td>"
                              "<td><span class=\"state\">retrying</span> (attempt 3): "
                              "HTTP 503 from slack receiver oncall</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"sent\"><td class=\"ago\">2 h ago</td>"));
  EXPECT_THAT(html, HasSubstr("<tr class=\"dropped\"><td class=\"ago\">10 min ago</td>"
                              "<td>unknown</td><td>unknown</td>"
                              "<td><span class=\"state\">dropped</span>: queue full</td></tr>"));
  // Newest first, as given.
  EXPECT_LT(html.find("retrying"), html.find("class=\"sent\""));
}

TEST(ReceiverStatusTest, AReceiverWithNothingYetSaysSo) {
  ReceiverNotificationStats s;
  s.receiver = "email";
  const std::string html = Html({s});
  EXPECT_THAT(html, HasSubstr("no notifications since the daemon started"));
  EXPECT_THAT(html, Not(HasSubstr("<table")));
}

TEST(ReceiverStatusTest, TextFromOutsideStaysText) {
  ReceiverNotificationStats s = Oncall();
  s.receiver = std::string(kHostile);
  s.recent[0].target = std::string(kHostile);
  s.recent[0].headline = std::string(kHostile);
  s.recent[0].reason = std::string(kHostile);
  const std::string html = Html({s});
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&lt;img"));
  // And in the JSON it is the same text, intact.
  const nlohmann::json j = Json({s});
  EXPECT_EQ(j[0]["receiver"], kHostile);
  EXPECT_EQ(j[0]["recent"][0]["reason"], kHostile);
}

TEST(ReceiverStatusTest, JsonCarriesTheSameData) {
  const nlohmann::json doc = Json({Oncall()});
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 1U);
  const nlohmann::json& r = doc[0];
  EXPECT_EQ(r["receiver"], "oncall");
  EXPECT_EQ(r["queue_length"], 2);
  EXPECT_EQ(r["sent"], 7);
  EXPECT_EQ(r["retried"], 3);
  EXPECT_EQ(r["failed"], 1);
  EXPECT_EQ(r["dropped"], 4);
  EXPECT_EQ(r["superseded"], 5);
  ASSERT_EQ(r["recent"].size(), 3U);
  const nlohmann::json& retrying = r["recent"][0];
  EXPECT_EQ(retrying["id"], "n3");
  EXPECT_EQ(retrying["target"], "coupon-redis");
  EXPECT_EQ(retrying["headline"], "critical: oom_rejections, noeviction");
  EXPECT_EQ(retrying["state"], "retrying");
  EXPECT_EQ(retrying["reason"], "HTTP 503 from slack receiver oncall");
  EXPECT_EQ(retrying["attempts"], 3);
  EXPECT_EQ(retrying["created_at"], kNow - 42);
  EXPECT_EQ(retrying["updated_at"], kNow - 40);
  EXPECT_TRUE(retrying["latency_seconds"].is_null());
  const nlohmann::json& sent = r["recent"][1];
  EXPECT_EQ(sent["state"], "sent");
  EXPECT_TRUE(sent["reason"].is_null());
  EXPECT_EQ(sent["latency_seconds"], 2.0);
  const nlohmann::json& dropped = r["recent"][2];
  EXPECT_EQ(dropped["state"], "dropped");
  EXPECT_TRUE(dropped["target"].is_null());
  EXPECT_TRUE(dropped["headline"].is_null());
  EXPECT_TRUE(dropped["created_at"].is_null());
  EXPECT_EQ(dropped["reason"], "queue full");
}

TEST(ReceiverStatusTest, InvalidUtf8IsReplacedNotThrown) {
  ReceiverNotificationStats s = Oncall();
  s.recent[0].reason = "HTTP 400 bad \xff\xfe body";
  const nlohmann::json j = Json({s});
  EXPECT_THAT(j[0]["recent"][0]["reason"].get<std::string>(), HasSubstr("HTTP 400 bad "));
}

}  // namespace receiver_status_test
}  // namespace memwatch::metrics
