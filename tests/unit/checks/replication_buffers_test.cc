// replication_buffers, on snapshots of a primary whose replica falls behind.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "test_support.h"

namespace memwatch::checks {
namespace replication_buffers_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

constexpr int64_t kMaxmemory = 64 * kMiB;
constexpr int64_t kBacklog = 1 * kMiB;  // repl-backlog-size's default
constexpr int64_t kOffset = 100 * kMiB;

// A Redis 7 primary with maxmemory 64 MiB, noeviction, and one replica at
// 127.0.0.1:6380 that has not acknowledged `held` bytes for `lag` seconds:
// the shared buffer holds the backlog plus what the replica still needs.
SnapshotBuilder Primary(int64_t held, int64_t lag = 0) {
  SnapshotBuilder b;
  b.Maxmemory(kMaxmemory).Used(20 * kMiB + held);
  b.Set(&Snapshot::connected_slaves, 1)
      .Set(&Snapshot::master_repl_offset, kOffset)
      .Set(&Snapshot::mem_total_replication_buffers, kBacklog + held)
      .Set(&Snapshot::mem_clients_slaves, held)
      .Set(&Snapshot::mem_replication_backlog, kBacklog)
      .Set(&Snapshot::mem_not_counted_for_evict, held);
  std::map<std::string, ReplicaLink> replicas{
      {"slave0", ReplicaLink{"127.0.0.1", 6380, "online", kOffset - held, lag}}};
  b.Set(&Snapshot::replicas, std::move(replicas));
  return b;
}

int64_t Share(double fraction) { return static_cast<int64_t>(fraction * kMaxmemory); }

TEST(ReplicationBuffersTest, QuietWhileTheReplicaKeepsUp) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Primary(0).Build()), "replication_buffers"));
  EXPECT_FALSE(Has(h.Poll(Primary(Share(0.15)).Build()), "replication_buffers"));
}

TEST(ReplicationBuffersTest, APausedReplicaWarnsThenIsCritical) {
  MonitorHarness h;
  const auto warn = h.Poll(Primary(18 * kMiB, 42).Build());
  ASSERT_EQ(LevelOf(warn, "replication_buffers"), Severity::kWarning);
  const Finding& f = *FindingFor(warn, "replication_buffers");
  EXPECT_NE(f.summary.find("Replication buffers hold 19 MiB, 29.7% of maxmemory 64 MiB"),
            std::string::npos)
      << f.summary;
  EXPECT_NE(f.summary.find("127.0.0.1:6380 (lag 42 s, 18 MiB behind, online)"), std::string::npos)
      << f.summary;
  EXPECT_NE(f.summary.find("not against maxmemory"), std::string::npos) << f.summary;
  EXPECT_EQ(EvidenceValue(f, "replication buffers"), "19 MiB (29.7% of maxmemory 64 MiB)");
  EXPECT_EQ(EvidenceValue(f, "mem_clients_slaves"), "18 MiB");
  EXPECT_EQ(EvidenceValue(f, "mem_not_counted_for_evict"), "18 MiB");
  EXPECT_EQ(EvidenceValue(f, "replicas"), "127.0.0.1:6380 (lag 42 s, 18 MiB behind, online)");
  EXPECT_NE(f.fix.find("redis-cli -h 127.0.0.1 -p 6380 INFO replication"), std::string::npos)
      << f.fix;
  EXPECT_NE(f.fix.find("CONFIG SET client-output-buffer-limit \"replica 12mb 6mb 60\"\n"
                       "CONFIG REWRITE\nredis.conf (/etc/redis/redis.conf):\n"
                       "  client-output-buffer-limit replica 12mb 6mb 60"),
            std::string::npos)
      << f.fix;

  EXPECT_EQ(LevelOf(h.Poll(Primary(Share(0.41), 50).Build()), "replication_buffers"),
            Severity::kCritical);
}

TEST(ReplicationBuffersTest, ClearsOnlyBelowTheClearMargin) {
  MonitorHarness h;
  auto at = [&](double share) {
    // The backlog is part of the share: hold the rest.
    return LevelOf(h.Poll(Primary(Share(share) - kBacklog).Build()), "replication_buffers");
  };
  EXPECT_EQ(at(0.45), Severity::kCritical);
  EXPECT_EQ(at(0.36), Severity::kCritical);  // above 40% - 5%
  EXPECT_EQ(at(0.34), Severity::kWarning);
  EXPECT_EQ(at(0.16), Severity::kWarning);  // above 20% - 5%
  EXPECT_EQ(at(0.14), std::nullopt);
}

TEST(ReplicationBuffersTest, DoesNotFlapAtTheWarningThreshold) {
  MonitorHarness h;
  EXPECT_LE(SeverityChanges(200,
                            [&](int i) {
                              const double share = 0.20 + (i % 2 == 0 ? 0.005 : -0.005);
                              return LevelOf(h.Poll(Primary(Share(share) - kBacklog).Build()),
                                             "replication_buffers");
                            }),
            1);
}

TEST(ReplicationBuffersTest, ThresholdsAreConfigurable) {
  MonitorHarness h(std::nullopt, WithParam("replication_buffers", "warning", 0.10));
  const auto findings = h.Poll(Primary(Share(0.12)).Build());
  ASSERT_EQ(LevelOf(findings, "replication_buffers"), Severity::kWarning);
  // The suggested hard limit follows the warning share: 10% of 64 MiB.
  EXPECT_NE(FindingFor(findings, "replication_buffers")->fix.find("\"replica 6mb 3mb 60\""),
            std::string::npos);
}

// On a large maxmemory the suggested limit never exceeds Redis's default:
// the check fires there only when the limit was raised or switched off.
TEST(ReplicationBuffersTest, SuggestedLimitsStayAtOrBelowRedisDefaults) {
  MonitorHarness h;
  Snapshot s = Primary(1 * kGiB).Maxmemory(4 * kGiB).Build();
  const auto findings = h.Poll(s);
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->fix.find("\"replica 256mb 64mb 60\""), std::string::npos) << f->fix;
}

// Redis < 7 has no mem_total_replication_buffers: the replicas' output
// buffers plus the backlog.
TEST(ReplicationBuffersTest, Redis6SumsReplicaBuffersAndBacklog) {
  MonitorHarness h;
  Snapshot s = Primary(20 * kMiB).Build();
  s.mem_total_replication_buffers.reset();
  const auto findings = h.Poll(s);
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "replication buffers"), "21 MiB (32.8% of maxmemory 64 MiB)");
}

TEST(ReplicationBuffersTest, ALargeBacklogGetsBacklogAdvice) {
  MonitorHarness h;
  Snapshot s = Primary(0).Build();
  s.mem_replication_backlog = 16 * kMiB;
  s.mem_total_replication_buffers = 16 * kMiB;
  const auto findings = h.Poll(s);
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->summary.find("most of it the replication backlog"), std::string::npos) << f->summary;
  EXPECT_NE(f->fix.find("CONFIG SET repl-backlog-size 6mb"), std::string::npos) << f->fix;
  EXPECT_EQ(f->fix.find("client-output-buffer-limit"), std::string::npos) << f->fix;
}

TEST(ReplicationBuffersTest, NamesTheReplicaFurthestBehindFirst) {
  MonitorHarness h;
  SnapshotBuilder b = Primary(20 * kMiB, 30);
  std::map<std::string, ReplicaLink> replicas{
      {"slave0", ReplicaLink{"10.0.0.1", 6379, "online", kOffset, 0}},
      {"slave1", ReplicaLink{"10.0.0.2", 6379, "online", kOffset - 20 * kMiB, 30}},
      {"slave2", ReplicaLink{"fe80::1", 6379, "online", kOffset - 1024, 1}},
      {"slave3", ReplicaLink{"10.0.0.4", 6379, "online", kOffset, 0}},
  };
  b.Set(&Snapshot::replicas, std::move(replicas));
  const auto findings = h.Poll(b.Build());
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "replicas"),
            "10.0.0.2:6379 (lag 30 s, 20 MiB behind, online), [fe80::1]:6379 (lag 1 s, 1 KiB "
            "behind, online), 10.0.0.1:6379 (lag 0 s, 0 B behind, online) and 1 more");
  EXPECT_NE(f->fix.find("redis-cli -h 10.0.0.2 -p 6379"), std::string::npos) << f->fix;
}

TEST(ReplicationBuffersTest, StartedWithoutAConfigFileTheLimitGoesOnTheCommandLine) {
  MonitorHarness h;
  const auto findings =
      h.Poll(Primary(20 * kMiB).Set(&Snapshot::config_file, std::string()).Build());
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->fix.find("--client-output-buffer-limit \"replica 12mb 6mb 60\""), std::string::npos)
      << f->fix;
  EXPECT_EQ(f->fix.find("CONFIG REWRITE\n"), std::string::npos) << f->fix;
}

TEST(ReplicationBuffersTest, OnlyOnAPrimaryWithMaxmemory) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Primary(30 * kMiB).Maxmemory(0).Build()), "replication_buffers"));
  EXPECT_FALSE(Has(h.Poll(Primary(30 * kMiB).Set(&Snapshot::role, std::string("slave")).Build()),
                   "replication_buffers"));
  Snapshot no_role = Primary(30 * kMiB).Build();
  no_role.role.reset();
  EXPECT_FALSE(Has(h.Poll(no_role), "replication_buffers"));
}

TEST(ReplicationBuffersTest, MissingFieldsDoNotFire) {
  MonitorHarness h;
  Snapshot s = Primary(30 * kMiB).Build();
  s.mem_total_replication_buffers.reset();
  s.mem_clients_slaves.reset();
  s.mem_replication_backlog.reset();
  EXPECT_FALSE(Has(h.Poll(s), "replication_buffers"));
  s = Primary(30 * kMiB).Build();
  s.replicas.clear();  // buffers but no replica line: still fires, names none
  const auto findings = h.Poll(s);
  const Finding* f = FindingFor(findings, "replication_buffers");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(EvidenceValue(*f, "replicas"), "");
  EXPECT_NE(f->summary.find("held for replicas that fell behind"), std::string::npos);
}

TEST(ReplicationBuffersTest, DisabledNeverFires) {
  MonitorHarness h(std::nullopt, Disabled("replication_buffers"));
  EXPECT_FALSE(Has(h.Poll(Primary(40 * kMiB).Build()), "replication_buffers"));
}

}  // namespace replication_buffers_test
}  // namespace memwatch::checks
