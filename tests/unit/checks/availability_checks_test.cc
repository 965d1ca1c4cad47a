// command_timeouts and target_down: the checks that also judge failed polls.
#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace availability_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

const Snapshot& Healthy() {
  static const Snapshot s = SnapshotBuilder().Maxmemory(3 * kGiB).Policy("allkeys-lru").Build();
  return s;
}

TEST(CommandTimeoutsTest, WarningAtFirstCriticalAfterThree) {
  MonitorHarness h;
  h.Poll(Healthy());
  EXPECT_EQ(LevelOf(h.Fail(PollFailure::kTimeout), "command_timeouts"), Severity::kWarning);
  EXPECT_EQ(LevelOf(h.Fail(PollFailure::kTimeout), "command_timeouts"), Severity::kWarning);
  const auto third = h.Fail(PollFailure::kTimeout);
  ASSERT_EQ(LevelOf(third, "command_timeouts"), Severity::kCritical);
  EXPECT_EQ(EvidenceValue(*FindingFor(third, "command_timeouts"), "timeouts in a row"), "3");
}

TEST(CommandTimeoutsTest, ClearsAfterAQuietWindowOfNormalProbes) {
  MonitorHarness h;
  h.Poll(Healthy());
  h.Fail(PollFailure::kTimeout);
  EXPECT_TRUE(Has(h.Poll(Healthy()), "command_timeouts"));
  EXPECT_TRUE(Has(h.Poll(Healthy(), 28s), "command_timeouts"));
  EXPECT_FALSE(Has(h.Poll(Healthy(), 3s), "command_timeouts"));
}

TEST(CommandTimeoutsTest, LatencySpikeAgainstTheBaseline) {
  MonitorHarness h;
  for (int i = 0; i < 60; ++i) EXPECT_FALSE(Has(h.Poll(Healthy(), 1s, 2ms), "command_timeouts"));
  EXPECT_FALSE(Has(h.Poll(Healthy(), 1s, 50ms), "command_timeouts"));  // 25x, under 100 ms
  const auto slow = h.Poll(Healthy(), 1s, 400ms);
  const Finding* f = FindingFor(slow, "command_timeouts");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->summary.find("INFO took 400 ms, 200x its usual 2 ms"), std::string::npos)
      << f->summary;
}

TEST(CommandTimeoutsTest, NoBaselineNoSpike) {
  MonitorHarness h;
  for (int i = 0; i < 10; ++i) h.Poll(Healthy(), 1s, 1ms);
  EXPECT_FALSE(Has(h.Poll(Healthy(), 1s, 2s), "command_timeouts"));
}

TEST(CommandTimeoutsTest, SlowSpellDoesNotBecomeTheBaselineNorFlap) {
  MonitorHarness h;
  for (int i = 0; i < 60; ++i) h.Poll(Healthy(), 1s, 2ms);
  EXPECT_LE(SeverityChanges(300,
                            [&](int i) {
                              return LevelOf(h.Poll(Healthy(), 1s, i % 2 ? 2ms : 300ms),
                                             "command_timeouts");
                            }),
            1);
}

TEST(CommandTimeoutsTest, BlockedClients) {
  MonitorHarness h;
  Snapshot s = Healthy();
  s.blocked_clients = 99;
  EXPECT_FALSE(Has(h.Poll(s), "command_timeouts"));
  s.blocked_clients = 150;
  const auto findings = h.Poll(s);
  ASSERT_TRUE(Has(findings, "command_timeouts"));
  EXPECT_EQ(EvidenceValue(*FindingFor(findings, "command_timeouts"), "blocked_clients"), "150");
  s.blocked_clients.reset();                        // missing field
  EXPECT_TRUE(Has(h.Poll(s), "command_timeouts"));  // quiet window
  EXPECT_FALSE(Has(h.Poll(s, 31s), "command_timeouts"));
}

TEST(CommandTimeoutsTest, OtherFailuresAreNotTimeouts) {
  MonitorHarness h;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(Has(h.Fail(PollFailure::kRefused), "command_timeouts"));
}

TEST(TargetDownTest, FiresAfterThreeFailuresWithTheReason) {
  MonitorHarness h;
  h.Poll(Healthy());
  EXPECT_FALSE(Has(h.Fail(PollFailure::kRefused), "target_down"));
  EXPECT_FALSE(Has(h.Fail(PollFailure::kRefused), "target_down"));
  const auto down = h.Fail(PollFailure::kRefused);
  const Finding* f = FindingFor(down, "target_down");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(EvidenceValue(*f, "reason"), "refused: no reply within 500 ms");
  EXPECT_EQ(EvidenceValue(*f, "down for"), "2 s");
  EXPECT_NE(f->fix.find("Is Redis running?"), std::string::npos);
}

TEST(TargetDownTest, ClearsAfterTwoGoodPollsAndDoesNotFlap) {
  MonitorHarness h;
  for (int i = 0; i < 3; ++i) h.Fail(PollFailure::kTimeout);
  EXPECT_TRUE(Has(h.Poll(Healthy()), "target_down"));
  EXPECT_FALSE(Has(h.Poll(Healthy()), "target_down"));
  // A flapping outage: three failures, one success, again and again.
  MonitorHarness flap;
  EXPECT_LE(SeverityChanges(80,
                            [&](int i) {
                              return LevelOf(i % 4 == 3 ? flap.Poll(Healthy())
                                                        : flap.Fail(PollFailure::kClosed),
                                             "target_down");
                            }),
            1);
}

TEST(TargetDownTest, KeepsConfigurationFindingsFiresNothingNew) {
  MonitorHarness h;
  SnapshotBuilder b;
  ASSERT_TRUE(Has(h.Poll(b.Build()), "maxmemory_unset"));
  for (int i = 0; i < 5; ++i) {
    const auto findings = h.Fail(PollFailure::kRefused);
    EXPECT_TRUE(Has(findings, "maxmemory_unset"));
    EXPECT_TRUE(Has(findings, "noeviction"));
    EXPECT_FALSE(Has(findings, "memory_high"));
  }
}

TEST(TargetDownTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("target_down"));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(Has(h.Fail(PollFailure::kAuth), "target_down"));
}

}  // namespace availability_checks_test
}  // namespace memwatch::checks
