// Check titles, headlines, time formats and text helpers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_registry.h"
#include "notify/check_titles.h"
#include "notify/headline.h"
#include "notify/text_util.h"
#include "notify/time_format.h"
#include "unit/notify/golden.h"

namespace memwatch::notify {
namespace text_test {

using testing::Wall0;

TEST(CheckTitlesTest, ShortHumanTitles) {
  EXPECT_EQ(CheckTitle("oom_rejections"), "writes rejected (OOM)");
  EXPECT_EQ(CheckTitle("target_down"), "target unreachable");
  EXPECT_EQ(CheckTitle("brand_new_check"), "brand new check");
}

TEST(CheckTitlesTest, GroupFindingsHaveTitles) {
  EXPECT_EQ(CheckTitle("cluster_state"), "cluster failed (cluster_state:fail)");
  EXPECT_EQ(CheckTitle("cluster_shard_near_limit"), "cluster shard near its memory limit");
  EXPECT_EQ(CheckTitle("cluster_nodes_unreachable"), "cluster nodes unreachable");
  EXPECT_EQ(AlertName("cluster_shard_near_limit"), "RedisMemwatchClusterShardNearLimit");
}

TEST(CheckTitlesTest, TitlesComeFromTheRegistry) {
  for (const checks::CheckSpec& spec : checks::AllChecks()) {
    EXPECT_EQ(CheckTitle(spec.name), spec.title) << spec.name;
  }
  EXPECT_EQ(CheckTitle(kTestCheck), "test notification");
}

TEST(CheckTitlesTest, AlertNames) {
  EXPECT_EQ(AlertName("oom_rejections"), "RedisMemwatchOomRejections");
  EXPECT_EQ(AlertName("maxmemory_unset"), "RedisMemwatchMaxmemoryUnset");
  EXPECT_EQ(AlertName("a__b"), "RedisMemwatchAB");
  EXPECT_EQ(AlertName("x y!"), "RedisMemwatchXy");
}

TEST(TimeFormatTest, AllThree) {
  const WallTime t = Wall0() + std::chrono::milliseconds(3250);
  EXPECT_EQ(FormatRfc3339(t), "2024-05-01T12:00:03.250Z");
  EXPECT_EQ(FormatRfc5322(t), "Wed, 01 May 2024 12:00:03 +0000");
  EXPECT_EQ(FormatHuman(t), "2024-05-01 12:00:03 UTC");
  EXPECT_EQ(FormatRfc3339(WallTime(std::chrono::milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}

TEST(HeadlineTest, Forms) {
  alerting::Notification n = testing::OomNotification();
  EXPECT_EQ(Headline(n), "[CRITICAL] coupon-redis: writes rejected (OOM)");
  n.alerts[0].resolved = true;
  EXPECT_EQ(Headline(n), "[RESOLVED] coupon-redis: writes rejected (OOM)");
  n.test = true;
  EXPECT_EQ(Headline(n), "[TEST] redis-memwatch: test notification to receiver oncall");
  EXPECT_EQ(Headline(testing::MixedNotification()),
            "[CRITICAL] session-redis: memory almost full (+2 more)");
}

TEST(TextUtilTest, TruncateUtf8) {
  EXPECT_EQ(TruncateUtf8("short", 10), "short");
  EXPECT_EQ(TruncateUtf8("abcdefghij", 6), "abc…");
  EXPECT_EQ(TruncateUtf8("ééééé", 7), "éé…");  // never half an é
  EXPECT_EQ(TruncateUtf8("abc", 2), "");
}

TEST(TextUtilTest, Escaping) {
  EXPECT_EQ(EscapeSlack("<!here> & *bold*"), "&lt;!here&gt; &amp; *bold*");
  EXPECT_EQ(SafeLinkUrl("https://grafana/d/x?var-target=a"), "https://grafana/d/x?var-target=a");
  EXPECT_EQ(SafeLinkUrl("javascript:alert(1)"), "");
  EXPECT_EQ(SafeLinkUrl("https://a b"), "");
  EXPECT_EQ(OneLine("a\r\nb\tc"), "a  b c");
}

}  // namespace text_test
}  // namespace memwatch::notify
