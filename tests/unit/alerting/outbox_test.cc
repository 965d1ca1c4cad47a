#include "alerting/outbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/notification_json.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace outbox_test {

using ::testing::ElementsAre;
using testing::FakeFileSystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::MakeFinding;
using ::testing::SizeIs;
using testing::Wall0;

constexpr const char* kDir = "/state";

Notification Make(int i, std::string receiver = "oncall") {
  Notification n;
  n.id = "1714564800000-00000000-" + std::to_string(100000 + i);
  n.target = "redis-" + std::to_string(i);  // one target each: none supersedes another
  n.receiver = std::move(receiver);
  n.created_at = Wall0();
  Alert a;
  a.check = "oom_rejections";
  a.severity = Severity::kCritical;
  a.summary = "Redis rejected writes";
  a.evidence = {{"rejected", std::to_string(i)}};
  a.started_at = Wall0();
  n.alerts.push_back(a);
  return n;
}

std::string PendingPath(const Notification& n) {
  return std::string(kDir) + "/outbox/" + n.id + ".json";
}
std::string FailedPath(const Notification& n) {
  return std::string(kDir) + "/failed/" + n.id + ".json";
}

std::vector<std::string> ClaimAll(Outbox& box, const std::string& receiver) {
  std::vector<std::string> ids;
  while (auto n = box.Claim(receiver)) {
    ids.push_back(n->id);
    EXPECT_TRUE(box.Remove(n->id).ok());
  }
  return ids;
}

TEST(OutboxTest, WritesDurablyBeforeTheFirstAttempt) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification n = Make(1);
  AddResult r = box.Add(n);
  ASSERT_TRUE(r.stored.ok());
  ASSERT_TRUE(fs.Exists(PendingPath(n)));
  const auto j = nlohmann::json::parse(fs.Get(PendingPath(n)));
  EXPECT_EQ(j["format"], 1);
  auto back = NotificationFromJson(j["notification"]);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value(), n);
  EXPECT_EQ(box.PendingCount("oncall"), 1u);
}

TEST(OutboxTest, RemovedOnlyWhenDelivered) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification n = Make(1);
  box.Add(n);
  auto claimed = box.Claim("oncall");
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(*claimed, n);
  EXPECT_FALSE(box.Claim("oncall").has_value()) << "already in flight";
  EXPECT_TRUE(fs.Exists(PendingPath(n)));
  ASSERT_TRUE(box.Remove(n.id).ok());
  EXPECT_FALSE(fs.Exists(PendingPath(n)));
  EXPECT_FALSE(box.Contains(n.id));
  EXPECT_EQ(box.PendingCount("oncall"), 0u);
}

TEST(OutboxTest, RecoveryAfterACrashQueuesPendingAndNotDelivered) {
  FakeFileSystem fs;
  {
    Outbox before(&fs, {kDir});
    ASSERT_TRUE(before.Recover().ok());
    for (int i = 1; i <= 4; ++i) before.Add(Make(i, i % 2 ? "oncall" : "ops-mail"));
    // 1 delivered; 2 in flight when the process died; 3 and 4 untouched.
    ASSERT_EQ(before.Claim("oncall")->id, Make(1).id);
    ASSERT_TRUE(before.Remove(Make(1).id).ok());
    ASSERT_EQ(before.Claim("ops-mail")->id, Make(2).id);
  }  // kill -9: nothing else runs
  fs.Put(std::string(kDir) + "/outbox/.1714564800000-00000000-100005.json.tmp", "{\"form");

  Outbox after(&fs, {kDir});
  Result<RecoveryReport> report = after.Recover();
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report.value().recovered, 3u);
  EXPECT_EQ(report.value().temporaries_removed, 1);
  EXPECT_THAT(after.Receivers(), ElementsAre("oncall", "ops-mail"));
  EXPECT_THAT(ClaimAll(after, "oncall"), ElementsAre(Make(3).id));
  EXPECT_THAT(ClaimAll(after, "ops-mail"), ElementsAre(Make(2).id, Make(4).id));
}

TEST(OutboxTest, PermanentFailuresAreMovedAside) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification n = Make(1);
  box.Add(n);
  auto claimed = box.Claim("oncall");
  ASSERT_TRUE(claimed.has_value());
  ASSERT_TRUE(box.MoveToFailed(
                     *claimed,
                     "slack receiver oncall (https://hooks.slack.com/…): HTTP 400 invalid_payload",
                     Wall0())
                  .ok());
  EXPECT_FALSE(fs.Exists(PendingPath(n)));
  ASSERT_TRUE(fs.Exists(FailedPath(n)));
  const auto j = nlohmann::json::parse(fs.Get(FailedPath(n)));
  EXPECT_THAT(j["failed_reason"].get<std::string>(), HasSubstr("invalid_payload"));
  EXPECT_EQ(j["failed_at_unix_ms"], 1714564800000);
  EXPECT_EQ(NotificationFromJson(j["notification"]).value(), n);
  // And it is not resurrected by a restart.
  Outbox after(&fs, {kDir});
  ASSERT_TRUE(after.Recover().ok());
  EXPECT_FALSE(after.Claim("oncall").has_value());
}

TEST(OutboxTest, CrashWhileMovingToFailedDoesNotResend) {
  FakeFileSystem fs;
  const Notification n = Make(1);
  // Both files exist: failed/ was written, the outbox file not yet removed.
  const std::string record =
      nlohmann::json{{"format", 1}, {"notification", NotificationToJson(n)}}.dump();
  fs.Put(PendingPath(n), record);
  fs.Put(FailedPath(n), record);
  Outbox box(&fs, {kDir});
  ASSERT_EQ(box.Recover().value().recovered, 0u);
  EXPECT_FALSE(fs.Exists(PendingPath(n)));
}

TEST(OutboxTest, BoundDropsTheOldestAndReportsIt) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir, /*max_pending_per_receiver=*/3});
  ASSERT_TRUE(box.Recover().ok());
  for (int i = 1; i <= 3; ++i) EXPECT_THAT(box.Add(Make(i)).dropped, IsEmpty());
  box.Add(Make(100, "other"));  // another receiver's queue is separate
  AddResult r = box.Add(Make(4));
  ASSERT_THAT(r.dropped, SizeIs(1));
  EXPECT_EQ(r.dropped[0], (Dropped{"oncall", Make(1).id}));
  EXPECT_FALSE(fs.Exists(PendingPath(Make(1))));
  EXPECT_EQ(box.PendingCount("oncall"), 3u);
  EXPECT_EQ(box.PendingCount("other"), 1u);
}

TEST(OutboxTest, BoundNeverDropsTheNotificationInFlight) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir, 2});
  ASSERT_TRUE(box.Recover().ok());
  box.Add(Make(1));
  box.Add(Make(2));
  ASSERT_EQ(box.Claim("oncall")->id, Make(1).id);
  AddResult r = box.Add(Make(3));
  ASSERT_THAT(r.dropped, SizeIs(1));
  EXPECT_EQ(r.dropped[0].id, Make(2).id);
  EXPECT_TRUE(box.Contains(Make(1).id));
  box.Release(Make(1).id);
  EXPECT_THAT(ClaimAll(box, "oncall"), ElementsAre(Make(1).id, Make(3).id));
}

TEST(OutboxTest, RecoveryAppliesALoweredBound) {
  FakeFileSystem fs;
  {
    Outbox before(&fs, {kDir, 10});
    ASSERT_TRUE(before.Recover().ok());
    for (int i = 1; i <= 5; ++i) before.Add(Make(i));
  }
  Outbox after(&fs, {kDir, 2});
  RecoveryReport report = after.Recover().value();
  EXPECT_THAT(report.dropped, SizeIs(3));
  EXPECT_THAT(ClaimAll(after, "oncall"), ElementsAre(Make(4).id, Make(5).id));
}

TEST(OutboxTest, FailedDirectoryIsBounded) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir, 100, /*max_failed=*/2});
  ASSERT_TRUE(box.Recover().ok());
  for (int i = 1; i <= 4; ++i) {
    box.Add(Make(i));
    ASSERT_TRUE(box.MoveToFailed(Make(i), "bad", Wall0()).ok());
  }
  EXPECT_FALSE(fs.Exists(FailedPath(Make(1))));
  EXPECT_FALSE(fs.Exists(FailedPath(Make(2))));
  EXPECT_TRUE(fs.Exists(FailedPath(Make(3))));
  EXPECT_TRUE(fs.Exists(FailedPath(Make(4))));
}

TEST(OutboxTest, UnreadableFilesAreQuarantinedNotFatal) {
  FakeFileSystem fs;
  fs.Put(std::string(kDir) + "/outbox/1714564800000-00000000-000001.json", "{not json");
  fs.Put(std::string(kDir) + "/outbox/Weird Name.json", "{}");
  const Notification good = Make(7);
  fs.Put(PendingPath(good),
         nlohmann::json{{"format", 1}, {"notification", NotificationToJson(good)}}.dump());
  Outbox box(&fs, {kDir});
  RecoveryReport report = box.Recover().value();
  EXPECT_EQ(report.recovered, 1u);
  EXPECT_EQ(report.unreadable, 2u);
  EXPECT_TRUE(
      fs.Exists(std::string(kDir) + "/failed/unreadable-1714564800000-00000000-000001.json"));
  EXPECT_EQ(fs.Get(std::string(kDir) + "/failed/unreadable-1714564800000-00000000-000001.json"),
            "{not json");
  EXPECT_THAT(ClaimAll(box, "oncall"), ElementsAre(good.id));
}

TEST(OutboxTest, ClaimReadsTheFileMemoryHoldsOnlyTheQueue) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  box.Add(Make(1));
  // The file is the one copy: what is delivered is what it holds.
  Notification edited = Make(1);
  edited.alerts[0].summary = "read back from disk";
  fs.Put(PendingPath(edited),
         nlohmann::json{{"format", 1}, {"notification", NotificationToJson(edited)}}.dump());
  auto claimed = box.Claim("oncall");
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(*claimed, edited);
}

TEST(OutboxTest, AFileLostAfterQueueingIsReportedAndSkipped) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  for (int i = 1; i <= 3; ++i) box.Add(Make(i));
  ASSERT_TRUE(fs.Remove(PendingPath(Make(1))).ok());        // someone cleaned the state dir
  fs.Put(PendingPath(Make(2)), "{\"format\": 1, \"notif");  // or damaged it
  std::vector<Dropped> unreadable;
  auto claimed = box.Claim("oncall", &unreadable);
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(*claimed, Make(3));
  EXPECT_THAT(unreadable,
              ElementsAre(Dropped{"oncall", Make(1).id}, Dropped{"oncall", Make(2).id}));
  EXPECT_FALSE(box.Contains(Make(1).id));
  EXPECT_FALSE(box.Contains(Make(2).id));
  EXPECT_EQ(box.PendingCount("oncall"), 1u);
  // The damaged bytes are kept for a person, out of the queue's way.
  EXPECT_FALSE(fs.Exists(PendingPath(Make(2))));
  EXPECT_EQ(fs.Get(std::string(kDir) + "/failed/unreadable-" + Make(2).id + ".json"),
            "{\"format\": 1, \"notif");
}

TEST(OutboxTest, AWriteFailureStillQueuesInMemory) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  fs.FailNextWrites(1);
  AddResult r = box.Add(Make(1));
  EXPECT_FALSE(r.stored.ok());
  EXPECT_THAT(r.stored.message(), HasSubstr("No space left"));
  EXPECT_THAT(ClaimAll(box, "oncall"), ElementsAre(Make(1).id));
}

TEST(OutboxTest, UnsafeIdsNeverBecomePaths) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  Notification n = Make(1);
  n.id = "../../etc/passwd";
  EXPECT_FALSE(box.Add(n).stored.ok());
  for (const std::string& op : fs.log()) EXPECT_THAT(op, ::testing::Not(HasSubstr("passwd")));
}

TEST(NotificationJsonTest, RoundTripsEveryField) {
  Notification n = Make(3);
  n.test = true;
  n.alerts[0].previous_severity = Severity::kWarning;
  n.alerts[0].repeat = true;
  n.alerts.push_back(n.alerts[0]);
  n.alerts[1].resolved = true;
  n.alerts[1].previous_severity.reset();
  n.alerts[1].started_at = Wall0() + std::chrono::milliseconds(1234);
  auto back = NotificationFromJson(NotificationToJson(n));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), n);
}

TEST(NotificationJsonTest, MalformedIsAnErrorNotAnException) {
  auto j = NotificationToJson(Make(1));
  j["alerts"][0]["severity"] = "catastrophic";
  EXPECT_FALSE(NotificationFromJson(j).ok());
  EXPECT_FALSE(NotificationFromJson(nlohmann::json(42)).ok());
  EXPECT_FALSE(NotificationFromJson(nlohmann::json::object()).ok());
}

}  // namespace outbox_test
}  // namespace memwatch::alerting
