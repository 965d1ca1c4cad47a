#include "alerting/outbox_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/notification_json.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace outbox_file_test {

using ::testing::HasSubstr;
using testing::MakeNotification;

TEST(OutboxFileTest, RoundTripsPositionAndTakes) {
  PendingFile f{MakeNotification(7, {{"oom_rejections", Severity::kCritical}}),
                "1714564800000-00000000-100003",
                {{"1714564800000-00000000-100003", {"memory_high", "noeviction"}},
                 {"1714564800000-00000000-100001", {}}}};
  Result<PendingFile> back = ParsePendingFile(f.notification.id, FormatPendingFile(f));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value(), f);
  // A take without checks takes the whole file; it is written without them.
  EXPECT_THAT(FormatPendingFile(f), HasSubstr(R"("id": "1714564800000-00000000-100001")"));
}

TEST(OutboxFileTest, RoundTripsTheEndTimeOfAMovedResolved) {
  Notification n = MakeNotification(
      7, {{"oom_rejections", Severity::kCritical}, {"no_ttl_growth", {}, {}, false, true}});
  n.alerts[1].ended_at = testing::Wall0() + std::chrono::milliseconds(1500);
  Result<PendingFile> back = ParsePendingFile(n.id, FormatPendingFile({n, n.id, {}}));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value().notification, n);
  EXPECT_EQ(back.value().notification.alerts[0].ended_at, std::nullopt);
}

TEST(OutboxFileTest, AFileOfAnEarlierVersionReadsAsItsOwnPlaceAndTakesNothing) {
  const Notification n = MakeNotification(1, {{"memory_high", Severity::kWarning}});
  const std::string text =
      nlohmann::json{{"format", 1}, {"notification", NotificationToJson(n)}}.dump();
  Result<PendingFile> f = ParsePendingFile(n.id, text);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value().queue_position, n.id);
  EXPECT_TRUE(f.value().takes.empty());
  // And what we write for a plain notification is just that, as before.
  EXPECT_EQ(nlohmann::json::parse(FormatPendingFile({n, n.id, {}})), nlohmann::json::parse(text));
}

TEST(OutboxFileTest, BadPositionsAndTakesAreErrorsNotPaths) {
  const Notification n = MakeNotification(1, {{"memory_high", Severity::kWarning}});
  auto with = [&](const char* key, nlohmann::json value) {
    nlohmann::json j{{"format", 1}, {"notification", NotificationToJson(n)}};
    j[key] = std::move(value);
    return ParsePendingFile(n.id, j.dump());
  };
  EXPECT_FALSE(with("queue_position", "../../etc/passwd").ok());
  EXPECT_FALSE(with("queue_position", 3).ok());
  EXPECT_FALSE(with("takes", nlohmann::json::array({{{"id", "../x"}}})).ok());
  EXPECT_FALSE(with("takes", nlohmann::json::array({{{"id", n.id}, {"checks", "all"}}})).ok());
  EXPECT_FALSE(with("takes", "everything").ok());
  EXPECT_FALSE(ParsePendingFile("another-id", FormatPendingFile({n, n.id, {}})).ok());
}

}  // namespace outbox_file_test
}  // namespace memwatch::alerting
