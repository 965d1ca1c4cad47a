// The incident behind the product, replayed on a fake time axis: twelve
// hours of INFO snapshots, one every 10 s, generated in a loop.
//
// A stock Redis (maxmemory 0, noeviction) on an 8 GiB host holds 5.5 GiB,
// mostly cached keys with a TTL whose batches expire every 6 minutes (an
// 80 MiB saw-tooth), with noise and a 300 MiB one-poll spike at 1 h, 3 h and 5 h.
// A background job adds an 800 KiB key without TTL every 10 s. The report
// says Redis then refused writes with "OOM command not allowed when used
// memory > 'maxmemory'"; the fake reproduces what the poller saw (the OOM
// error counter growing once memory was full), then a failed background
// save, a hung server, a restart, and the team's quick fix (maxmemory 4gb,
// volatile-lru, in a 4 GiB container, 95% of keys without TTL).
#include <cmath>
#include <cstdio>
#include <random>

#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace incident_replay_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

constexpr double kStep = 10;  // seconds between polls = between job runs
constexpr int64_t kHostRam = 8 * kGiB;
constexpr int64_t kJobKeySize = 800 * kKiB;

class IncidentRedis {
 public:
  // The snapshot at `t` seconds since start; call with increasing t.
  Snapshot Next(double t) {
    std::uniform_real_distribution<double> noise(-8.0 * kMiB, 8.0 * kMiB);
    std::uniform_int_distribution<int> locks(0, 3);
    const double phase = std::fmod(t, 360) / 360;  // cache fills, a batch expires
    double used = 5.5 * kGiB + static_cast<double>(job_keys_ * kJobKeySize) + 80.0 * kMiB * phase +
                  noise(rng_);
    for (double spike : {1.0, 3.0, 5.0}) {  // a big temporary value, gone next poll
      if (t >= spike * 3600 && t < spike * 3600 + kStep) used += 300.0 * kMiB;
    }
    // The job writes one key per poll; when memory is full it is refused,
    // and so are a few of the application's writes.
    if (used + kJobKeySize < static_cast<double>(kHostRam)) {
      ++job_keys_;
      used += kJobKeySize;
    } else {
      oom_errors_ += 1 + 3;
      used = std::min(used, static_cast<double>(kHostRam));
    }
    const int64_t ttl_keys = 20000 + static_cast<int64_t>(1000 * phase);
    SnapshotBuilder b;
    b.Used(static_cast<int64_t>(used))
        .Uptime(3600 + static_cast<int64_t>(t))
        .Keys(ttl_keys + 500 + job_keys_ + locks(rng_), ttl_keys)
        .OomErrors(oom_errors_)
        .Set(&Snapshot::rdb_last_bgsave_ok, !save_failing_);
    return b.Build();
  }

  void FailSaves() { save_failing_ = true; }
  int64_t oom_errors() const { return oom_errors_; }

 private:
  std::mt19937 rng_{42};
  int64_t job_keys_ = 0;
  int64_t oom_errors_ = 0;
  bool save_failing_ = false;
};

TEST(IncidentReplayTest, EveryStageIsFlaggedInTime) {
  MonitorHarness h;  // memwatch as first deployed: no memory_limit known
  IncidentRedis redis;

  // 1. The first observation flags the two risky defaults.
  auto findings = h.Poll(redis.Next(0));
  EXPECT_EQ(LevelOf(findings, "maxmemory_unset"), Severity::kWarning);
  EXPECT_EQ(LevelOf(findings, "noeviction"), Severity::kWarning);

  // 2. Growth until memory is full: record when each check first fired.
  double no_ttl_at = -1, ttf_warn_at = -1, ttf_crit_at = -1, unset_crit_at = -1;
  double t = 0;
  while (redis.oom_errors() == 0) {
    ASSERT_LT(t, 14 * 3600) << "memory never filled up";
    t += kStep;
    findings = h.Poll(redis.Next(t), 10s);
    if (no_ttl_at < 0 && Has(findings, "no_ttl_growth")) {
      no_ttl_at = t;
      EXPECT_NE(FindingFor(findings, "no_ttl_growth")->summary.find("+6 keys/min without a TTL"),
                std::string::npos)
          << FindingFor(findings, "no_ttl_growth")->summary;
    }
    const auto ttf = LevelOf(findings, "time_to_full");
    if (ttf_warn_at < 0 && ttf.has_value()) ttf_warn_at = t;
    if (ttf_crit_at < 0 && ttf == Severity::kCritical) ttf_crit_at = t;
    if (unset_crit_at < 0 && LevelOf(findings, "maxmemory_unset") == Severity::kCritical) {
      unset_crit_at = t;
    }
    if (redis.oom_errors() == 0) {
      EXPECT_FALSE(Has(findings, "oom_rejections")) << t;
    }
  }
  const double oom_at = t;
  EXPECT_EQ(LevelOf(findings, "oom_rejections"), Severity::kCritical);
  std::printf(
      "lead before the first OOM [12 h incident replay]: no_ttl_growth %.0f s (fired %.0f s in), "
      "time_to_full %.0f s (critical %.0f s); full at %.0f s\n",
      oom_at - no_ttl_at, no_ttl_at, oom_at - ttf_warn_at, oom_at - ttf_crit_at, oom_at);

  // no_ttl_growth warns within minutes, hours before the end; time_to_full
  // an hour ahead, and critical minutes ahead; maxmemory_unset escalates at
  // 80% of the host's RAM, long before.
  EXPECT_GT(no_ttl_at, 0);
  EXPECT_LE(no_ttl_at, 10 * 60);
  EXPECT_GT(oom_at, 8 * 3600);
  EXPECT_GE(oom_at - ttf_warn_at, 50 * 60) << "warned at " << ttf_warn_at << ", full at " << oom_at;
  EXPECT_LE(oom_at - ttf_warn_at, 75 * 60);
  EXPECT_GE(oom_at - ttf_crit_at, 5 * 60) << "critical at " << ttf_crit_at;
  EXPECT_GE(oom_at - unset_crit_at, 3 * 3600);

  // 4. Nobody notices for two hours; half an hour in, the fork of a
  // background save fails for lack of memory.
  for (; t < oom_at + 2 * 3600;) {
    t += kStep;
    if (t >= oom_at + 30 * 60 && t < oom_at + 30 * 60 + kStep) {
      redis.FailSaves();
      findings = h.Poll(redis.Next(t), 10s);
      EXPECT_EQ(LevelOf(findings, "persistence_failing"), Severity::kCritical);
      continue;
    }
    findings = h.Poll(redis.Next(t), 10s);
    EXPECT_EQ(LevelOf(findings, "oom_rejections"), Severity::kCritical) << t - oom_at;
    EXPECT_EQ(Has(findings, "persistence_failing"), t > oom_at + 30 * 60) << t - oom_at;
  }
  EXPECT_EQ(LevelOf(findings, "memory_high"), Severity::kCritical);
  EXPECT_EQ(LevelOf(findings, "maxmemory_unset"), Severity::kCritical);

  // 5. The server hangs: polls time out.
  findings = h.Fail(PollFailure::kTimeout, 10s);
  EXPECT_EQ(LevelOf(findings, "command_timeouts"), Severity::kWarning);
  EXPECT_FALSE(Has(findings, "target_down"));
  h.Fail(PollFailure::kTimeout, 10s);
  findings = h.Fail(PollFailure::kTimeout, 10s);
  EXPECT_EQ(LevelOf(findings, "command_timeouts"), Severity::kCritical);
  EXPECT_EQ(LevelOf(findings, "target_down"), Severity::kCritical);
  // What was true when Redis was last seen stays on the list.
  EXPECT_TRUE(Has(findings, "maxmemory_unset"));
  EXPECT_TRUE(Has(findings, "persistence_failing"));

  // 6. The team restarts it: refused for five minutes. The outage is now
  // target_down's alone.
  for (int i = 0; i < 30; ++i) findings = h.Fail(PollFailure::kRefused, 10s);
  EXPECT_TRUE(Has(findings, "target_down"));
  EXPECT_FALSE(Has(findings, "command_timeouts"));
  EXPECT_EQ(EvidenceValue(*FindingFor(findings, "target_down"), "reason"),
            "refused: no reply within 500 ms");

  // 7. The quick fix: maxmemory 4gb and volatile-lru in a container limited
  // to 4 GiB (now known to memwatch), 95% of keys without a TTL. Counters
  // start over with the new process: no rejection is invented.
  h.Reconfigure(4 * kGiB);
  SnapshotBuilder fixed;
  fixed.Maxmemory(4 * kGiB).Policy("volatile-lru").Used(3 * kGiB).Uptime(20).Keys(100000, 5000);
  findings = h.Poll(fixed.Build(), 10s);
  EXPECT_EQ(LevelOf(findings, "memory_headroom"), Severity::kWarning);
  EXPECT_EQ(LevelOf(findings, "eviction_ineffective"), Severity::kWarning);
  EXPECT_NE(FindingFor(findings, "memory_headroom")->fix.find("CONFIG SET maxmemory 3gb"),
            std::string::npos);
  for (const char* gone :
       {"maxmemory_unset", "noeviction", "oom_rejections", "persistence_failing", "memory_high"}) {
    EXPECT_FALSE(Has(findings, gone)) << gone;
  }
  findings = h.Poll(fixed.Uptime(30).Build(), 10s);
  EXPECT_FALSE(Has(findings, "target_down"));
  EXPECT_TRUE(Has(findings, "memory_headroom"));
  EXPECT_TRUE(Has(findings, "eviction_ineffective"));
}

}  // namespace incident_replay_test
}  // namespace memwatch::checks
