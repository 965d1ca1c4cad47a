// Adaptive polling: fast only while the next thing Redis may do is refuse
// writes, with hysteresis so a target at the threshold does not flip.
#include "app/fast_polling.h"

#include <gtest/gtest.h>

namespace memwatch::app {
namespace fast_polling_test {

constexpr int64_t kLimit = 1000000;

Snapshot At(double used_share, const std::string& policy) {
  Snapshot s;
  s.used_memory = static_cast<int64_t>(used_share * kLimit);
  s.maxmemory_policy = policy;
  return s;
}

EffectiveLimit Limit() { return {kLimit, "maxmemory"}; }

Finding Active(const std::string& check, Severity severity = Severity::kCritical) {
  return Finding{.check = check, .severity = severity};
}

TEST(FastPollingTest, NoevictionNearTheLimitIsPolledFast) {
  Snapshot s = At(0.92, "noeviction");
  EXPECT_TRUE(WantsFastPolling(false, &s, std::nullopt, Limit(), {}));
}

TEST(FastPollingTest, AnEvictingPolicyNearTheLimitIsNot) {
  Snapshot s = At(0.99, "allkeys-lru");
  EXPECT_FALSE(WantsFastPolling(false, &s, std::nullopt, Limit(), {}));
}

TEST(FastPollingTest, EvictingProtectedKeysNearTheLimitIs) {
  Snapshot s = At(0.95, "allkeys-lru");
  const std::vector<Finding> evictable{Active("protected_keys_evictable", Severity::kWarning)};
  EXPECT_TRUE(WantsFastPolling(false, &s, std::nullopt, Limit(), evictable));
  Snapshot low = At(0.5, "allkeys-lru");
  EXPECT_FALSE(WantsFastPolling(false, &low, std::nullopt, Limit(), evictable));
}

TEST(FastPollingTest, IneffectiveEvictionNearTheLimitIs) {
  Snapshot s = At(0.95, "volatile-lru");
  EXPECT_TRUE(WantsFastPolling(false, &s, std::nullopt, Limit(), {Active("eviction_ineffective")}));
}

TEST(FastPollingTest, RejectionsOrACriticalForecastAreFastWhateverTheLevel) {
  Snapshot s = At(0.10, "allkeys-lru");
  EXPECT_TRUE(WantsFastPolling(false, &s, std::nullopt, Limit(), {Active("oom_rejections")}));
  EXPECT_TRUE(WantsFastPolling(false, &s, std::nullopt, Limit(), {Active("time_to_full")}));
  EXPECT_FALSE(WantsFastPolling(false, &s, std::nullopt, Limit(),
                                {Active("time_to_full", Severity::kWarning)}));
}

TEST(FastPollingTest, HysteresisBetweenEnterAndLeave) {
  Snapshot s = At(0.88, "noeviction");
  EXPECT_FALSE(WantsFastPolling(false, &s, std::nullopt, Limit(), {}));  // not yet at 90 %
  EXPECT_TRUE(WantsFastPolling(true, &s, std::nullopt, Limit(), {}));    // not yet below 85 %
  Snapshot low = At(0.84, "noeviction");
  EXPECT_FALSE(WantsFastPolling(true, &low, std::nullopt, Limit(), {}));
}

TEST(FastPollingTest, AFailedPollKeepsTheMode) {
  EXPECT_TRUE(WantsFastPolling(true, nullptr, std::nullopt, Limit(), {}));
  EXPECT_FALSE(WantsFastPolling(false, nullptr, std::nullopt, Limit(), {}));
}

TEST(FastPollingTest, GrowthThatWouldReachTheThresholdByTheNextPollIsFastNow) {
  Snapshot s = At(0.80, "noeviction");
  // +8 % since the last poll: 88 % at the next one, not yet 90 %.
  EXPECT_FALSE(WantsFastPolling(false, &s, int64_t{720000}, Limit(), {}));
  // +12 %: 92 % at the next poll, or full before it.
  EXPECT_TRUE(WantsFastPolling(false, &s, int64_t{680000}, Limit(), {}));
  // Shrinking is no growth.
  EXPECT_FALSE(WantsFastPolling(false, &s, int64_t{990000}, Limit(), {}));
}

TEST(FastPollingTest, NoLimitKnownMeansNoFastPollingOnLevel) {
  Snapshot s = At(0.99, "noeviction");
  EXPECT_FALSE(WantsFastPolling(false, &s, std::nullopt, std::nullopt, {}));
}

}  // namespace fast_polling_test
}  // namespace memwatch::app
