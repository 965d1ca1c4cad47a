// The one-line headline of a notification, as the status page lists it.
#include "alerting/notification.h"

#include <gtest/gtest.h>

#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace notification_test {

using A = testing::AlertSpec;
using testing::MakeNotification;

TEST(ShortHeadlineTest, TheHighestSeverityThenTheFiringChecks) {
  EXPECT_EQ(ShortHeadline(MakeNotification(1, {A{"noeviction", Severity::kWarning},
                                               A{"oom_rejections", Severity::kCritical}})),
            "critical: oom_rejections, noeviction");
}

TEST(ShortHeadlineTest, ResolvedOnesFollowTheFiringOnes) {
  EXPECT_EQ(
      ShortHeadline(MakeNotification(1, {A{"memory_high", Severity::kWarning, {}, false, true},
                                         A{"fragmentation", Severity::kWarning}})),
      "warning: fragmentation; resolved: memory_high");
  EXPECT_EQ(
      ShortHeadline(MakeNotification(1, {A{"memory_high", Severity::kWarning, {}, false, true}})),
      "resolved: memory_high");
}

TEST(ShortHeadlineTest, ATestNotificationSaysSo) {
  Notification n = MakeNotification(1, {A{"memory_high", Severity::kCritical}});
  n.test = true;
  EXPECT_EQ(ShortHeadline(n), "test: critical: memory_high");
  n.alerts.clear();
  EXPECT_EQ(ShortHeadline(n), "test: no alerts");
}

}  // namespace notification_test
}  // namespace memwatch::alerting
