#include "doctor/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace memwatch::doctor {
namespace report_test {

TargetReport Stock() {
  TargetReport r;
  r.name = "coupon-redis";
  r.address = "127.0.0.1:6379";
  Snapshot s;
  s.redis_version = "7.0.15";
  s.used_memory = 3 * 1024 * 1024;
  s.maxmemory = 0;
  s.maxmemory_policy = "noeviction";
  s.total_system_memory = 8LL * 1024 * 1024 * 1024;
  s.keyspace["db0"] = {100, 5, 0, std::nullopt};
  s.has_keyspace_section = true;
  r.snapshot = s;
  r.limit = EffectiveLimit{8LL * 1024 * 1024 * 1024, "total_system_memory"};
  r.findings.push_back({"maxmemory_unset",
                        Severity::kWarning,
                        "Redis has no memory limit.",
                        {{"maxmemory", "0 (no limit)"}},
                        "redis-cli CONFIG SET maxmemory 6gb\nmaxmemory 6gb in redis.conf"});
  r.findings.push_back({"noeviction",
                        Severity::kCritical,
                        "At the limit every write is rejected.",
                        {{"maxmemory-policy", "noeviction"}},
                        "redis-cli CONFIG SET maxmemory-policy allkeys-lru"});
  return r;
}

TEST(DoctorReportTest, GoldenText) {
  const std::string expected = R"(coupon-redis (127.0.0.1:6379)
  Redis 7.0.15
  memory: 3 MiB used of 8 GiB (0%), limit from total_system_memory (the host's RAM)
  keys: 100 (5 with a TTL, 95 without); policy: noeviction

  WARNING maxmemory_unset: Redis has no memory limit.
    maxmemory: 0 (no limit)
    fix:
      redis-cli CONFIG SET maxmemory 6gb
      maxmemory 6gb in redis.conf

  CRITICAL noeviction: At the limit every write is rejected.
    maxmemory-policy: noeviction
    fix:
      redis-cli CONFIG SET maxmemory-policy allkeys-lru

1 target(s): 1 critical, 1 warning(s), 0 unreachable
)";
  EXPECT_EQ(FormatText({Stock()}), expected);
}

TEST(DoctorReportTest, GoldenTextForAHealthyAndAnUnreachableTarget) {
  TargetReport healthy = Stock();
  healthy.findings.clear();
  TargetReport down;
  down.name = "b";
  down.address = "10.0.0.9:6379";
  down.failure = PollFailure::kRefused;
  down.error = "connection refused";
  const std::string expected = R"(coupon-redis (127.0.0.1:6379)
  Redis 7.0.15
  memory: 3 MiB used of 8 GiB (0%), limit from total_system_memory (the host's RAM)
  keys: 100 (5 with a TTL, 95 without); policy: noeviction

  OK: no risk found.

b (10.0.0.9:6379)
  could not poll it: connection refused (refused)
  check that Redis runs, that the address and port are right, and the password.

2 target(s): 0 critical, 0 warning(s), 1 unreachable
)";
  EXPECT_EQ(FormatText({healthy, down}), expected);
}

TEST(DoctorReportTest, ExitCodes) {
  TargetReport r = Stock();
  EXPECT_EQ(ExitCode({r}), kDoctorCritical);
  r.findings.pop_back();
  EXPECT_EQ(ExitCode({r}), kDoctorWarning);
  r.findings.clear();
  EXPECT_EQ(ExitCode({r}), kDoctorHealthy);
  TargetReport down;
  down.failure = PollFailure::kTimeout;
  EXPECT_EQ(ExitCode({Stock(), down}), kDoctorUnreachable);
}

TEST(DoctorReportTest, JsonCarriesFindingsAndExitCode) {
  nlohmann::json doc = nlohmann::json::parse(FormatJson({Stock()}));
  EXPECT_EQ(doc["exit_code"], 2);
  const auto& t = doc["targets"][0];
  EXPECT_EQ(t["name"], "coupon-redis");
  EXPECT_EQ(t["status"], "ok");
  EXPECT_EQ(t["maxmemory_policy"], "noeviction");
  EXPECT_EQ(t["memory_limit"]["source"], "total_system_memory");
  ASSERT_EQ(t["findings"].size(), 2u);
  EXPECT_EQ(t["findings"][1]["severity"], "critical");
  EXPECT_EQ(t["findings"][0]["evidence"]["maxmemory"], "0 (no limit)");
}

// A managed service is named where the server is, so the CLI fixes below
// it read right; scripts get the provider's stable name.
TEST(DoctorReportTest, NamesAManagedProvider) {
  TargetReport r = Stock();
  r.findings.clear();
  r.provider = Provider::kElastiCache;
  EXPECT_THAT(FormatText({r}),
              ::testing::HasSubstr("\n  Redis 7.0.15 on Amazon ElastiCache (settings change in "
                                   "its console or CLI, not CONFIG SET)\n"));
  EXPECT_EQ(nlohmann::json::parse(FormatJson({r}))["targets"][0]["provider"], "elasticache");
  EXPECT_EQ(nlohmann::json::parse(FormatJson({Stock()}))["targets"][0]["provider"], "self-managed");
}

}  // namespace report_test
}  // namespace memwatch::doctor
