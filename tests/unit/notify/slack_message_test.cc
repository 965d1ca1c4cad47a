#include "notify/slack_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notify/test_alert.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace slack_message_test {

using testing::ExpectGolden;
using ::testing::HasSubstr;
using testing::MixedNotification;
using ::testing::Not;
using testing::OomNotification;

const MessageOptions kOptions{"http://grafana.example/d/redis-memwatch"};

// True iff `s` is well-formed UTF-8 (no cut sequences).
bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80         ? 1
                       : (c >> 5) == 6  ? 2
                       : (c >> 4) == 14 ? 3
                       : (c >> 3) == 30 ? 4
                                        : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Checks every Slack limit the message must respect; returns the blocks.
nlohmann::json ExpectWithinLimits(const std::string& body) {
  const nlohmann::json m = nlohmann::json::parse(body);
  EXPECT_TRUE(m["text"].is_string());
  EXPECT_LE(m["text"].get<std::string>().size(), kSlackMaxSectionText);
  const nlohmann::json& blocks = m["blocks"];
  EXPECT_LE(blocks.size(), kSlackMaxBlocks);
  for (const auto& b : blocks) {
    if (b["type"] == "header") {
      EXPECT_LE(b["text"]["text"].get<std::string>().size(), kSlackMaxHeaderText);
    } else if (b["type"] == "section") {
      const std::string t = b["text"]["text"];
      EXPECT_LE(t.size(), kSlackMaxSectionText);
      EXPECT_TRUE(ValidUtf8(t));
      size_t fences = 0;
      for (size_t p = t.find("```"); p != std::string::npos; p = t.find("```", p + 3)) ++fences;
      EXPECT_EQ(fences % 2, 0u) << "unbalanced code block in: " << t;
    }
  }
  return blocks;
}

TEST(SlackMessageTest, GoldenOom) {
  const std::string body = FormatSlackMessage(OomNotification(), kOptions);
  ExpectGolden("slack_oom.json", body);
  ExpectWithinLimits(body);
}

TEST(SlackMessageTest, GoldenMixed) {
  const std::string body = FormatSlackMessage(MixedNotification(), kOptions);
  ExpectGolden("slack_mixed.json", body);
  ExpectWithinLimits(body);
}

TEST(SlackMessageTest, GoldenTestNotification) {
  alerting::ReceiverConfig r{.name = "oncall", .settings = alerting::SlackSettings{}};
  ExpectGolden("slack_test.json",
               FormatSlackMessage(MakeTestNotification(r, testing::Wall0(), 0), kOptions));
}

TEST(SlackMessageTest, SaysWhatIsHappeningAndWhatToDo) {
  const nlohmann::json m = nlohmann::json::parse(FormatSlackMessage(OomNotification(), kOptions));
  EXPECT_EQ(m["text"], "[CRITICAL] coupon-redis: writes rejected (OOM)");
  const std::string section = m["blocks"][1]["text"]["text"];
  EXPECT_THAT(section, HasSubstr("*CRITICAL: writes rejected (OOM)*"));
  EXPECT_THAT(section, HasSubstr("42 commands failed with OOM"));
  EXPECT_THAT(section, HasSubstr("• used_memory: 1.00 GiB of maxmemory 1.00 GiB (100%)"));
  EXPECT_THAT(section, HasSubstr("CONFIG SET maxmemory 1536mb"));
  EXPECT_THAT(section, HasSubstr("Started 2024-05-01 12:00:02 UTC"));
  const std::string context = m["blocks"][2]["elements"][0]["text"];
  EXPECT_THAT(context, HasSubstr("<http://grafana.example/d/redis-memwatch|Open dashboard>"));
}

TEST(SlackMessageTest, EscapesTextSoNobodyIsPinged) {
  const std::string body = FormatSlackMessage(MixedNotification(), kOptions);
  EXPECT_THAT(body, Not(HasSubstr("<!channel>")));
  EXPECT_THAT(body, HasSubstr("&lt;!channel&gt;"));
  EXPECT_THAT(body, HasSubstr("&lt;maxmemory&gt; &amp; still"));
}

TEST(SlackMessageTest, NoLinkWithoutASafeExternalUrl) {
  EXPECT_THAT(FormatSlackMessage(OomNotification(), {}), Not(HasSubstr("Open dashboard")));
  EXPECT_THAT(FormatSlackMessage(OomNotification(), {"javascript:alert(1)"}),
              Not(HasSubstr("Open dashboard")));
  EXPECT_THAT(FormatSlackMessage(OomNotification(), {"http://x/|evil>"}),
              Not(HasSubstr("Open dashboard")));
}

TEST(SlackMessageTest, TwoHundredFindingsStayWithinSlackLimits) {
  alerting::Notification n = OomNotification();
  const alerting::Alert base = n.alerts[0];
  n.alerts.clear();
  for (int i = 0; i < 200; ++i) {
    alerting::Alert a = base;
    a.check = "custom_check_number_" + std::to_string(i);
    a.severity = i < 150 ? Severity::kCritical : Severity::kWarning;
    n.alerts.push_back(a);
  }
  const std::string body = FormatSlackMessage(n, kOptions);
  const nlohmann::json blocks = ExpectWithinLimits(body);
  EXPECT_EQ(blocks.size(), 1 + 1 + kMaxDetailedAlerts + 1 + 1);
  EXPECT_EQ(blocks[1]["text"]["text"], "*200 alerts on coupon-redis:* 150 critical, 50 warning");
  const std::string rest = blocks[blocks.size() - 2]["text"]["text"];
  EXPECT_THAT(rest, HasSubstr("*…and 180 more:*"));
  EXPECT_THAT(rest, HasSubstr("custom check number 20"));
  EXPECT_THAT(rest, HasSubstr("list cut to fit Slack's limits"));
  EXPECT_EQ(nlohmann::json::parse(body)["text"],
            "[CRITICAL] coupon-redis: custom check number 0 (+199 more)");
}

TEST(SlackMessageTest, HugeTextsAreCutAtCharacterBoundaries) {
  alerting::Notification n = OomNotification();
  alerting::Alert& a = n.alerts[0];
  a.summary = "";
  for (int i = 0; i < 3000; ++i) a.summary += "é€";  // 2- and 3-byte characters
  a.fix = std::string(10000, 'x') + "```";
  a.evidence.clear();
  for (int i = 0; i < 100; ++i)
    a.evidence.push_back({"k" + std::to_string(i), std::string(500, 'v')});
  n.target = std::string(400, 't');
  const nlohmann::json blocks = ExpectWithinLimits(FormatSlackMessage(n, kOptions));
  EXPECT_THAT(blocks[1]["text"]["text"].get<std::string>(), HasSubstr("…and 92 more"));
}

TEST(SlackMessageTest, InvalidUtf8FromRedisDoesNotThrow) {
  alerting::Notification n = OomNotification();
  n.alerts[0].evidence.push_back({"biggest key", std::string("user:\xff\xfe", 7)});
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(FormatSlackMessage(n, kOptions)));
  EXPECT_TRUE(parsed.is_object());
}

}  // namespace slack_message_test
}  // namespace memwatch::notify
