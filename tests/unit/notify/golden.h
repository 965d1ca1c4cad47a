// Golden files for the formatters, in tests/fixtures/alerts. Run a test
// binary with MEMWATCH_UPDATE_GOLDEN=1 to rewrite them, then review the diff.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "alerting/notification.h"
#include "unit/alerting/fakes.h"

namespace memwatch::notify::testing {

inline std::string GoldenPath(const std::string& name) {
  return std::string(MEMWATCH_FIXTURES_DIR) + "/alerts/" + name;
}

// CRLF -> LF, so golden files stay plain text in git.
inline std::string ToLf(std::string s) {
  for (size_t p = s.find("\r\n"); p != std::string::npos; p = s.find("\r\n", p)) s.erase(p, 1);
  return s;
}

inline void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (const char* update = std::getenv("MEMWATCH_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << " (run with MEMWATCH_UPDATE_GOLDEN=1 to create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden file " << path;
}

using alerting::testing::Wall0;  // 2024-05-01 12:00:00 UTC

// coupon-redis rejects writes: one critical alert, as the checks word it.
inline alerting::Notification OomNotification() {
  alerting::Notification n;
  n.id = "1714564803250-5eed0001-000001";
  n.target = "coupon-redis";
  n.receiver = "oncall";
  n.created_at = Wall0() + std::chrono::milliseconds(3250);
  alerting::Alert a;
  a.check = "oom_rejections";
  a.severity = Severity::kCritical;
  a.summary =
      "Redis is rejecting writes: 42 commands failed with OOM in the last 5 s because used "
      "memory reached maxmemory and the policy is noeviction.";
  a.evidence = {{"rejected writes", "42 in 5 s (8.4/s)"},
                {"used_memory", "1.00 GiB of maxmemory 1.00 GiB (100%)"},
                {"maxmemory-policy", "noeviction"}};
  a.fix =
      "Give Redis room now:\n  redis-cli -h coupon-redis CONFIG SET maxmemory 1536mb\n"
      "Then find what grows: redis-cli --bigkeys\n"
      "If the data is a cache: CONFIG SET maxmemory-policy allkeys-lru";
  a.started_at = Wall0() + std::chrono::milliseconds(2000);
  n.alerts.push_back(a);
  return n;
}

// One evaluation with a severity change, a reminder and a resolution, and
// text that must be escaped (<, &, a Slack mention).
inline alerting::Notification MixedNotification() {
  alerting::Notification n;
  n.id = "1714568400000-5eed0001-000042";
  n.target = "session-redis";
  n.receiver = "oncall";
  n.created_at = Wall0() + std::chrono::hours(1);
  alerting::Alert high;
  high.check = "memory_high";
  high.severity = Severity::kCritical;
  high.previous_severity = Severity::kWarning;
  high.summary = "Used memory is 96% of the limit <maxmemory> & still rising. <!channel>";
  high.evidence = {{"used_memory", "7.68 GiB of 8.00 GiB (96%)"}, {"limit from", "maxmemory"}};
  high.fix = "redis-cli CONFIG SET maxmemory 10gb";
  high.started_at = Wall0() + std::chrono::minutes(20);
  alerting::Alert frag;
  frag.check = "fragmentation";
  frag.severity = Severity::kWarning;
  frag.repeat = true;
  frag.summary = "The allocator wastes 1.2 GiB (ratio 1.62).";
  frag.evidence = {{"allocator_frag_ratio", "1.62"}};
  frag.fix = "redis-cli CONFIG SET activedefrag yes";
  frag.started_at = Wall0() - std::chrono::hours(3);
  alerting::Alert evicting;
  evicting.check = "evicting";
  evicting.severity = Severity::kWarning;
  evicting.resolved = true;
  evicting.summary = "Redis evicts 350 keys/s to stay under maxmemory.";
  evicting.evidence = {{"evicted_keys", "350/s"}};
  evicting.fix = "Raise maxmemory or shrink the data set.";
  evicting.started_at = Wall0() + std::chrono::minutes(10);
  n.alerts = {high, frag, evicting};
  return n;
}

}  // namespace memwatch::notify::testing
