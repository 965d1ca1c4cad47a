// The outbox's half of "the newest state first": a newer notification about
// a target takes the place of the older one waiting for the same receiver,
// durably, and a crash at any step neither loses the newest acknowledged
// state nor delivers an older state after a newer one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "alerting/outbox.h"
#include "unit/alerting/fakes.h"

namespace memwatch::alerting {
namespace outbox_supersede_test {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using A = testing::AlertSpec;
using testing::Describe;
using testing::FakeFileSystem;

constexpr const char* kDir = "/state";
constexpr Severity kWarn = Severity::kWarning;
constexpr Severity kCrit = Severity::kCritical;

Notification N(int i, const std::vector<A>& alerts, std::string target = "coupon-redis") {
  return testing::MakeNotification(i, alerts, std::move(target));
}

std::string PendingPath(const std::string& id) {
  return std::string(kDir) + "/outbox/" + id + ".json";
}

// Claims and removes everything queued for "oncall", in order.
std::vector<Notification> DeliverAll(Outbox& box) {
  std::vector<Notification> out;
  while (std::optional<Notification> n = box.Claim("oncall")) {
    out.push_back(*n);
    EXPECT_TRUE(box.Remove(n->id).ok());
  }
  return out;
}

std::vector<std::string> Ids(const std::vector<Notification>& ns) {
  std::vector<std::string> ids;
  for (const Notification& n : ns) ids.push_back(n.id);
  return ids;
}

TEST(OutboxSupersedeTest, WarningThenCriticalIsDeliveredAsOneInTheOlderOnesPlace) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification a1 = N(1, {{"memory_high", kWarn}, {"noeviction", kCrit}});
  const Notification b1 = N(2, {{"memory_high", kWarn}}, "other-redis");
  const Notification a2 = N(3, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}});
  box.Add(a1);
  box.Add(b1);
  AddResult r = box.Add(a2);
  ASSERT_TRUE(r.stored.ok());
  EXPECT_THAT(r.superseded, ElementsAre(a1.id));
  EXPECT_FALSE(box.Contains(a1.id));
  EXPECT_FALSE(fs.Exists(PendingPath(a1.id)));
  EXPECT_EQ(box.PendingCount("oncall"), 2u);
  // The file says what it took, for a restart.
  const auto j = nlohmann::json::parse(fs.Get(PendingPath(a2.id)));
  EXPECT_EQ(j["queue_position"], a1.id);
  EXPECT_EQ(j["takes"], nlohmann::json::parse(R"([{"id": ")" + a1.id +
                                              R"(", "checks": ["memory_high", "noeviction"]}])"));

  const std::vector<Notification> delivered = DeliverAll(box);
  EXPECT_THAT(Ids(delivered), ElementsAre(a2.id, b1.id));  // a's place in line
  EXPECT_THAT(Describe(delivered[0].alerts),
              ElementsAre("memory_high critical firing", "noeviction critical firing",
                          "oom_rejections critical firing"));
}

TEST(OutboxSupersedeTest, ASeverityChangeThatResolvedStaysAndTheRestMovesOn) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  // time_to_full escalates: Alertmanager must see the warning end.
  box.Add(N(1, {{"time_to_full", kCrit, kWarn}, {"memory_high", kWarn}}));
  AddResult r =
      box.Add(N(2, {{"time_to_full", kCrit, {}, false, true}, {"memory_high", kCrit, kWarn}}));
  EXPECT_THAT(r.superseded, IsEmpty());  // the older one stays, smaller
  EXPECT_TRUE(box.HasCritical("oncall"));
  const std::vector<Notification> delivered = DeliverAll(box);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_EQ(delivered[0].id, N(1, {}).id);
  EXPECT_THAT(Describe(delivered[0].alerts),
              ElementsAre("time_to_full critical firing (was warning)"));
  EXPECT_THAT(Describe(delivered[1].alerts),
              ElementsAre("memory_high critical firing", "time_to_full critical resolved"));
  EXPECT_EQ(delivered[0].created_at, N(1, {}).created_at);
}

TEST(OutboxSupersedeTest, AFirstFiringThatResolvedIsOneResolvedThatSaysWhenItStarted) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification a1 = N(1, {{"time_to_full", kCrit, {}, false, false, 1},
                                {"memory_high", kWarn, {}, false, false, 1}});
  const Notification a2 = N(2, {{"time_to_full", kCrit, {}, false, true, 2},
                                {"memory_high", kCrit, kWarn, false, false, 2}});
  box.Add(a1);
  AddResult r = box.Add(a2);
  EXPECT_THAT(r.superseded, ElementsAre(a1.id));
  const std::vector<Notification> delivered = DeliverAll(box);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].id, a2.id);
  EXPECT_THAT(Describe(delivered[0].alerts),
              ElementsAre("memory_high critical firing", "time_to_full critical resolved"));
  for (const Alert& a : delivered[0].alerts) {
    EXPECT_EQ(a.started_at, testing::Wall0() + std::chrono::seconds(1)) << a.check;
  }
}

TEST(OutboxSupersedeTest, TargetsInterleavedKeepTheirOwnOrder) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  box.Add(N(1, {{"memory_high", kWarn}}, "a"));
  box.Add(N(2, {{"memory_high", kWarn}}, "b"));
  box.Add(N(3, {{"evicting", kWarn}}, "a"));
  box.Add(N(4, {{"memory_high", kWarn, {}, false, true}}, "b"));  // resolved: takes b's 2
  box.Add(N(5, {{"memory_high", kCrit, kWarn}}, "a"));
  box.Add(N(6, {{"noeviction", kCrit}}, "b"));
  const std::vector<Notification> delivered = DeliverAll(box);
  std::vector<std::string> seen;
  for (const Notification& n : delivered) {
    for (const std::string& d : Describe(n.alerts)) seen.push_back(n.target + ": " + d);
  }
  // a: 1, 3 and 5 became one, in 1's place. b: 2 and its resolved 4
  // became one resolved, which 6 took along, in 2's place.
  EXPECT_THAT(Ids(delivered), ElementsAre(N(5, {}).id, N(6, {}).id));
  EXPECT_THAT(seen,
              ElementsAre("a: memory_high critical firing", "a: evicting warning firing",
                          "b: noeviction critical firing", "b: memory_high warning resolved"));
  // The resolved says when it ended: when 4 was made, not 6.
  EXPECT_EQ(delivered[1].alerts[1].ended_at, N(4, {}).created_at);
}

TEST(OutboxSupersedeTest, ANotificationInFlightIsNotChangedTheNewerOneWaitsBehindIt) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification a1 = N(1, {{"memory_high", kWarn}});
  const Notification a2 = N(2, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}});
  box.Add(a1);
  ASSERT_EQ(box.Claim("oncall")->id, a1.id);  // an attempt is running
  AddResult r = box.Add(a2);
  EXPECT_THAT(r.superseded, IsEmpty());
  EXPECT_EQ(box.PendingCount("oncall"), 2u);
  EXPECT_EQ(fs.Get(PendingPath(a1.id)).find("takes"), std::string::npos);

  // Delivered: the newer one follows as it is.
  ASSERT_TRUE(box.Remove(a1.id).ok());
  EXPECT_THAT(
      Describe(DeliverAll(box)[0].alerts),
      ElementsAre("memory_high critical firing (was warning)", "oom_rejections critical firing"));
}

TEST(OutboxSupersedeTest, AFailedAttemptLetsTheNewerOnesTakeOverBeforeTheRetry) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  const Notification a1 = N(1, {{"memory_high", kWarn}});
  const Notification b1 = N(2, {{"memory_high", kWarn}}, "other-redis");
  const Notification a2 = N(3, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}});
  box.Add(a1);
  box.Add(b1);
  ASSERT_EQ(box.Claim("oncall")->id, a1.id);
  box.Add(a2);
  // The attempt failed.
  EXPECT_THAT(box.Release(a1.id), ElementsAre(a1.id));
  EXPECT_FALSE(fs.Exists(PendingPath(a1.id)));
  const std::vector<Notification> delivered = DeliverAll(box);
  EXPECT_THAT(Ids(delivered), ElementsAre(a2.id, b1.id));
  EXPECT_THAT(Describe(delivered[0].alerts),
              ElementsAre("memory_high critical firing", "oom_rejections critical firing"));
}

TEST(OutboxSupersedeTest, ANewCriticalIsClaimedFirstButNeverBeforeItsOwnTarget) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  box.Add(N(1, {{"memory_high", kWarn}}, "b"));
  // A severity change (critical down to warning) that a resolved follows:
  // both stay, the change first.
  box.Add(N(2, {{"time_to_full", kWarn, kCrit}}, "a"));
  box.Add(N(3, {{"time_to_full", kWarn, {}, false, true}}, "a"));
  EXPECT_FALSE(box.ClaimUrgent("oncall").has_value()) << "nothing critical is new";
  box.Add(N(4, {{"oom_rejections", kCrit}}, "a"));  // takes 3's resolved along; 2 stays
  ASSERT_EQ(box.PendingCount("oncall"), 3u);
  // a's oldest goes first, and the urgency is used up by that attempt.
  EXPECT_EQ(box.ClaimUrgent("oncall")->id, N(2, {}).id);
  box.Release(N(2, {}).id);
  EXPECT_FALSE(box.ClaimUrgent("oncall").has_value());
  EXPECT_EQ(box.Claim("oncall")->id, N(1, {}).id) << "otherwise the order is as it was";
}

// The crash test of the supersede protocol: three adds about one target
// (the second replaces the first whole, the third takes over part of the
// second), with the files as a kill -9 would leave them after every single
// write or removal. Each recovery delivers a prefix of the history as it
// was acknowledged or newer, never an older state after a newer one, and
// every firing that a resolved followed.
TEST(OutboxSupersedeTest, AKillAtAnyStepLosesNoStateAndNeverGoesBack) {
  const std::vector<Notification> history{
      // time_to_full escalates (the receiver heard its warning earlier):
      // a change Alertmanager must see end, so its resolved follows it.
      N(1, {{"time_to_full", kCrit, kWarn}, {"memory_high", kWarn}}),
      N(2, {{"memory_high", kCrit, kWarn}}),
      N(3, {{"time_to_full", kCrit, {}, false, true}, {"oom_rejections", kCrit}}),
  };
  // What the receiver reads when the first k adds happened without a crash.
  auto without_crash = [&](size_t k) {
    FakeFileSystem fs;
    Outbox box(&fs, {kDir});
    EXPECT_TRUE(box.Recover().ok());
    for (size_t i = 0; i < k; ++i) box.Add(history[i]);
    std::vector<std::vector<std::string>> read;
    for (const Notification& n : DeliverAll(box)) read.push_back(Describe(n.alerts));
    return read;
  };
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  fs.StartRecording();
  std::vector<size_t> acknowledged_at;  // snapshot count when add i returned
  for (const Notification& n : history) {
    ASSERT_TRUE(box.Add(n).stored.ok());
    acknowledged_at.push_back(fs.Snapshots().size());
  }
  const auto snapshots = fs.Snapshots();
  ASSERT_GE(snapshots.size(), 6u) << "each add writes, and the 2nd and 3rd rewrite or remove";
  for (size_t step = 0; step < snapshots.size(); ++step) {
    SCOPED_TRACE("killed after step " + std::to_string(step));
    FakeFileSystem after;
    after.SetFiles(snapshots[step]);
    Outbox recovered(&after, {kDir});
    ASSERT_TRUE(recovered.Recover().ok());
    const std::vector<Notification> delivered = DeliverAll(recovered);
    // Acknowledged adds: those that returned before this step.
    size_t acked = 0;
    while (acked < history.size() && acknowledged_at[acked] <= step + 1) ++acked;
    // Exactly what the receiver would read had the process not crashed,
    // after the acknowledged adds or more: no state lost, none repeated.
    std::vector<std::vector<std::string>> read;
    for (const Notification& n : delivered) read.push_back(Describe(n.alerts));
    bool as_without_crash = false;
    for (size_t k = acked; k <= history.size(); ++k) {
      as_without_crash = as_without_crash || read == without_crash(k);
    }
    EXPECT_TRUE(as_without_crash) << ::testing::PrintToString(read);
    for (size_t i = 1; i < delivered.size(); ++i) {
      EXPECT_LT(delivered[i - 1].created_at, delivered[i].created_at);
    }
    // time_to_full escalated and then resolved: whoever hears the resolved
    // heard the escalation first.
    bool fired = false;
    for (const Notification& n : delivered) {
      for (const Alert& a : n.alerts) {
        if (a.check != "time_to_full") continue;
        if (a.resolved) {
          EXPECT_TRUE(fired);
        }
        fired = !a.resolved;
      }
    }
    // Nothing is left that a later start would deliver again.
    EXPECT_THAT(after.List(std::string(kDir) + "/outbox").value(), IsEmpty());
  }
  // The end state, without a crash.
  const std::vector<Notification> delivered = DeliverAll(box);
  ASSERT_EQ(delivered.size(), 2u);
  EXPECT_THAT(Describe(delivered[0].alerts),
              ElementsAre("time_to_full critical firing (was warning)"));
  EXPECT_THAT(Describe(delivered[1].alerts),
              ElementsAre("memory_high critical firing", "oom_rejections critical firing",
                          "time_to_full critical resolved"));
}

// The same when the newer one takes over after a failed attempt (Release
// rewrites the newer file in place).
TEST(OutboxSupersedeTest, AKillWhileTakingOverAfterAFailedAttemptIsSafeToo) {
  const Notification a1 = N(1, {{"memory_high", kWarn}, {"noeviction", kCrit}});
  const Notification a2 = N(2, {{"memory_high", kCrit, kWarn}, {"oom_rejections", kCrit}});
  const std::vector<std::vector<std::string>> before{
      {"noeviction critical firing", "memory_high warning firing"},
      {"memory_high critical firing (was warning)", "oom_rejections critical firing"}};
  const std::vector<std::vector<std::string>> merged{{"memory_high critical firing",
                                                      "noeviction critical firing",
                                                      "oom_rejections critical firing"}};
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  box.Add(a1);
  ASSERT_EQ(box.Claim("oncall")->id, a1.id);
  box.Add(a2);
  fs.StartRecording();
  EXPECT_THAT(box.Release(a1.id), ElementsAre(a1.id));
  const auto snapshots = fs.Snapshots();
  ASSERT_EQ(snapshots.size(), 3u);  // before, a2 rewritten, a1 removed
  for (size_t step = 0; step < snapshots.size(); ++step) {
    SCOPED_TRACE("killed after step " + std::to_string(step));
    FakeFileSystem after;
    after.SetFiles(snapshots[step]);
    Outbox recovered(&after, {kDir});
    ASSERT_TRUE(recovered.Recover().ok());
    std::vector<std::vector<std::string>> read;
    for (const Notification& n : DeliverAll(recovered)) read.push_back(Describe(n.alerts));
    EXPECT_EQ(read, step == 0 ? before : merged);
  }
}

TEST(OutboxSupersedeTest, ASupersededFileThatCouldNotBeRemovedNeverComesBack) {
  FakeFileSystem fs;
  const Notification a1 = N(1, {{"memory_high", kWarn}});
  const Notification a2 = N(2, {{"memory_high", kCrit, kWarn}});
  const Notification a3 = N(3, {{"oom_rejections", kCrit}});
  {
    Outbox box(&fs, {kDir});
    ASSERT_TRUE(box.Recover().ok());
    box.Add(a1);
    fs.FailNextRemoves(1);
    EXPECT_THAT(box.Add(a2).superseded, ElementsAre(a1.id));
    ASSERT_TRUE(fs.Exists(PendingPath(a1.id))) << "the removal failed";
    // a3 replaces a2 and inherits what a2 still had to remove.
    EXPECT_THAT(box.Add(a3).superseded, ElementsAre(a2.id));
    const auto j = nlohmann::json::parse(fs.Get(PendingPath(a3.id)));
    EXPECT_EQ(j["takes"].size(), 2u) << "a2's, and a1's, which a2 had not removed yet";
    EXPECT_FALSE(fs.Exists(PendingPath(a1.id)));
  }
  {
    // Once more, and this time a1 stays undeletable until a3 is delivered:
    // then a3's file stays too, so a restart still knows a1 is superseded.
    FakeFileSystem fs2;
    Outbox box(&fs2, {kDir});
    ASSERT_TRUE(box.Recover().ok());
    box.Add(a1);
    fs2.FailNextRemoves(1);
    box.Add(a2);
    fs2.FailNextRemoves(2);  // a2, then a1 again
    box.Add(a3);
    ASSERT_TRUE(fs2.Exists(PendingPath(a1.id)));
    fs2.FailNextRemoves(2);
    ASSERT_EQ(box.Claim("oncall")->id, a3.id);
    EXPECT_FALSE(box.Remove(a3.id).ok());
    EXPECT_TRUE(fs2.Exists(PendingPath(a3.id)));
    Outbox restarted(&fs2, {kDir});
    RecoveryReport report = restarted.Recover().value();
    EXPECT_EQ(report.superseded, 2u);  // a1 and a2, both taken whole by a3
    EXPECT_THAT(Ids(DeliverAll(restarted)), ElementsAre(a3.id));  // sent again: at least once
  }
}

TEST(OutboxSupersedeTest, AnUnsavedNotificationIsNeverMergedIntoOrFrom) {
  FakeFileSystem fs;
  Outbox box(&fs, {kDir});
  ASSERT_TRUE(box.Recover().ok());
  fs.FailNextWrites(1);
  EXPECT_FALSE(box.Add(N(1, {{"memory_high", kWarn}})).stored.ok());
  EXPECT_THAT(box.Add(N(2, {{"memory_high", kCrit, kWarn}})).superseded, IsEmpty());
  EXPECT_EQ(box.PendingCount("oncall"), 2u);
}

}  // namespace outbox_supersede_test
}  // namespace memwatch::alerting
