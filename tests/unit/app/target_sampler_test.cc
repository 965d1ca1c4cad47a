// The daemon's sampling of one target, replayed against a fake Redis on a
// fake clock: exact counts once a cycle completes, nothing before, silence
// between cycles, the budget's pressure signals, settings mapped, and the
// primaries-only default.
#include "app/target_sampler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fake_keyspace_redis.h"

namespace memwatch::app {
namespace target_sampler_test {

using fake_keyspace::FakeClock;
using fake_keyspace::FakeRedis;

class TargetSamplerTest : public ::testing::Test {
 protected:
  TargetSamplerTest() {
    settings_.interval = std::chrono::seconds(10);
    for (int i = 0; i < 300; ++i) redis_.Add("cache:user:" + std::to_string(i), {.ttl = 3600});
    for (int i = 0; i < 100; ++i) redis_.Add("coupon:gen:" + std::to_string(i), {.ttl = -1});
    redis_.Add("q\"\\<x>:a\nb:1");
  }

  // Ticks every 100 ms (the fake clock stands for the sleeps) until
  // `done` or `max_ticks`; returns the ticks taken.
  int TickUntil(TargetSampler& s, const std::function<bool()>& done, int max_ticks = 1000,
                PollHealth health = {.replica = false}) {
    int ticks = 0;
    while (!done() && ticks < max_ticks) {
      const MonoTime start = clock_.Now();
      last_ = s.Tick(pipeline_, clock_, kScanInterval, health);
      ++ticks;
      if (clock_.Now() < start + kScanInterval) {
        clock_.Advance(std::chrono::duration_cast<Duration>(start + kScanInterval - clock_.Now()));
      }
    }
    return ticks;
  }

  const metrics::KeyspacePrefixValues* Find(const metrics::KeyspaceValues& v,
                                            const std::string& prefix) {
    if (!v.prefixes) return nullptr;
    for (const auto& p : *v.prefixes) {
      if (p.prefix == prefix) return &p;
    }
    return nullptr;
  }

  config::KeyspaceSettings settings_;
  FakeClock clock_;
  FakeRedis redis_{&clock_};
  PipelineFn pipeline_ = [this](const std::vector<Argv>& c, MonoTime d) {
    return redis_.Pipeline(c, d);
  };
  Status last_ = Status::Ok();
};

TEST_F(TargetSamplerTest, ACompleteCycleGivesExactCountsAndNothingBefore) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  EXPECT_FALSE(s.Values(clock_.Now()).prefixes.has_value());
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  ASSERT_TRUE(last_.ok()) << last_.message();
  ASSERT_EQ(s.cycles_completed(), 1u);
  const metrics::KeyspaceValues v = s.Values(clock_.Now());
  const metrics::KeyspacePrefixValues* coupons = Find(v, "coupon:gen:*");
  const metrics::KeyspacePrefixValues* cache = Find(v, "cache:user:*");
  ASSERT_NE(coupons, nullptr);
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(coupons->keys, 100u);
  EXPECT_EQ(coupons->keys_without_ttl, 100u);
  EXPECT_EQ(cache->keys, 300u);
  EXPECT_EQ(cache->keys_without_ttl, 0u);
  // The hostile prefix, escaped by EscapeKeyName.
  EXPECT_NE(Find(v, "q\\\"\\\\<x>:*"), nullptr);
  EXPECT_EQ(v.sampled_keys_total, 401u);
  EXPECT_GT(v.redis_seconds_total, 0);
  ASSERT_TRUE(v.cycle_seconds.has_value());
  EXPECT_GT(*v.cycle_seconds, 0);
  EXPECT_EQ(v.backoff_reason, "none");
}

TEST_F(TargetSamplerTest, ProtectedKeysReachTheFamiliesEscaped) {
  settings_.protected_patterns = {"q\"*", "coupon:*"};
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  ASSERT_TRUE(last_.ok()) << last_.message();
  std::optional<KeyFamilies> f = s.TakeFamilies();
  ASSERT_TRUE(f.has_value());
  const ProtectedKeys& p = f->protected_keys;
  EXPECT_THAT(p.patterns, ::testing::ElementsAre("q\\\"*", "coupon:*"));
  EXPECT_EQ(p.sampled, 101u);
  EXPECT_EQ(p.sampled_with_ttl, 0u);
  EXPECT_EQ(p.examples.size(), 3u);
  for (const std::string& e : p.examples) {
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;  // escaped
  }
  EXPECT_FALSE(s.TakeFamilies().has_value());  // once
}

TEST_F(TargetSamplerTest, TopListsTheBiggestAndSumsTheRestAsOther) {
  settings_.top = 1;
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  const metrics::KeyspaceValues v = s.Values(clock_.Now());
  ASSERT_TRUE(v.prefixes.has_value());
  ASSERT_EQ(v.prefixes->size(), 2u);
  EXPECT_EQ(v.prefixes->back().prefix, metrics::kOtherPrefixLabel);
  EXPECT_EQ(v.prefixes->front().keys + v.prefixes->back().keys, 401u);
}

TEST_F(TargetSamplerTest, NothingIsSentBetweenCycles) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  const int pipelines = redis_.pipelines();
  TickUntil(
      s, [] { return false; }, 50);  // 5 s of the 10 s gap
  EXPECT_EQ(redis_.pipelines(), pipelines);
  TickUntil(s, [&] { return s.cycles_completed() == 2; });
  EXPECT_EQ(s.cycles_completed(), 2u);
  EXPECT_GE(s.Values(clock_.Now()).sampled_keys_total, 802u);
}

TEST_F(TargetSamplerTest, CommandstatsAtMostOnceASecondWhileSampling) {
  settings_.max_keys_per_second = 50;  // 401 keys: about 8 s
  TargetSampler s(settings_, std::chrono::seconds(1));
  const MonoTime start = clock_.Now();
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  const double seconds = std::chrono::duration<double>(clock_.Now() - start).count();
  EXPECT_GT(seconds, 5);
  // A baseline, one a second, one at the cycle's end.
  EXPECT_LE(redis_.spent_per_interval_.size(), static_cast<size_t>(seconds) + 3);
}

TEST_F(TargetSamplerTest, ATimeoutIsPressureAndAFailure) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  redis_.time_out_ = true;
  TickUntil(
      s, [] { return false; }, 1);
  EXPECT_FALSE(last_.ok());
  EXPECT_EQ(s.Values(clock_.Now()).backoff_reason, "command_timeout");
}

TEST_F(TargetSamplerTest, PollerSignalsArePressure) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [] { return false; }, 1, {.down = false, .replica = false, .near_limit = true});
  EXPECT_EQ(s.Values(clock_.Now()).backoff_reason, "memory_pressure");
  TargetSampler t(settings_, std::chrono::seconds(1));
  TickUntil(t, [] { return false; }, 1, {.down = true, .replica = false, .near_limit = false});
  EXPECT_EQ(t.Values(clock_.Now()).backoff_reason, "command_timeout");
}

TEST_F(TargetSamplerTest, ALostConnectionLosesOneBatchAndTheCycleGoesOn) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  redis_.fail_after_ = 6;
  TickUntil(
      s, [&] { return !last_.ok(); }, 100);
  EXPECT_EQ(last_.message(), "connection lost");
  EXPECT_GT(s.Values(clock_.Now()).sampled_keys_total, 0u);
  s.OnFailure(clock_.Now());
  redis_.fail_after_.reset();
  TickUntil(s, [&] { return s.cycles_completed() == 1; });
  ASSERT_TRUE(last_.ok()) << last_.message();
  const metrics::KeyspaceValues v = s.Values(clock_.Now());
  ASSERT_TRUE(v.prefixes.has_value());
  uint64_t keys = 0;
  for (const auto& p : *v.prefixes) keys += p.keys;
  // At most one batch (kMaxBatchKeys) lost, nothing counted twice, and the
  // cycle completed without starting over.
  EXPECT_LE(keys, 401u);
  EXPECT_GE(keys, 401u - kMaxBatchKeys);
  EXPECT_LE(v.sampled_keys_total, keys);  // a failed step's earlier batches go uncounted
}

TEST_F(TargetSamplerTest, PollerSignalsSlowIsProbeLatencyPressure) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [] { return false; }, 1, {.replica = false, .slow = true});
  EXPECT_EQ(s.Values(clock_.Now()).backoff_reason, "probe_latency");
}

TEST_F(TargetSamplerTest, ACompleteCycleHandsItsFamiliesOverOnce) {
  TargetSampler s(settings_, std::chrono::seconds(1));
  TickUntil(s, [&] { return s.cycles_completed() == 1; }, 1000, {.replica = false, .keys = 401});
  std::optional<KeyFamilies> f = s.TakeFamilies();
  ASSERT_TRUE(f.has_value());
  EXPECT_FALSE(s.TakeFamilies().has_value());
  EXPECT_TRUE(f->complete);
  EXPECT_EQ(f->total_keys, 401u);
  ASSERT_FALSE(f->by_no_ttl.empty());
  EXPECT_EQ(f->by_no_ttl.front().prefix, "coupon:gen:*");
  EXPECT_EQ(f->by_no_ttl.front().keys_without_ttl, 100u);
  EXPECT_FALSE(f->by_no_ttl.front().keys_without_ttl_growth_per_hour.has_value());
  bool hostile = false;
  for (const KeyFamily& k : f->by_bytes) {
    EXPECT_FALSE(k.prefix.empty());  // no "other"
    hostile = hostile || k.prefix == "q\\\"\\\\<x>:*";
  }
  EXPECT_TRUE(hostile) << "the hostile prefix, escaped";

  // The job goes on writing: the next cycle has the growth.
  for (int i = 100; i < 150; ++i) redis_.Add("coupon:gen:" + std::to_string(i), {.ttl = -1});
  TickUntil(s, [&] { return s.cycles_completed() == 2; }, 1000, {.replica = false, .keys = 451});
  f = s.TakeFamilies();
  ASSERT_TRUE(f.has_value());
  ASSERT_TRUE(f->by_no_ttl.front().keys_without_ttl_growth_per_hour.has_value());
  EXPECT_GT(*f->by_no_ttl.front().keys_without_ttl_growth_per_hour, 0);
}

TEST_F(TargetSamplerTest, ProvisionalFamiliesBeforeTheFirstCycle) {
  for (int i = 0; i < 3000; ++i) redis_.Add("job:" + std::to_string(i), {.ttl = -1});
  settings_.max_keys_per_second = 200;  // 3,401 keys: about 17 s for the cycle
  TargetSampler s(settings_, std::chrono::seconds(1));
  std::optional<KeyFamilies> f;
  TickUntil(s, [&] { return (f = s.TakeFamilies()).has_value(); }, 1000,
            {.replica = false, .keys = 3401});
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(s.cycles_completed(), 0u);
  EXPECT_FALSE(f->complete);
  EXPECT_GE(f->sampled_keys, kProvisionalMinKeys);
  ASSERT_FALSE(f->by_no_ttl.empty());
  EXPECT_EQ(f->by_no_ttl.front().prefix, "job:*");
  EXPECT_NEAR(static_cast<double>(f->by_no_ttl.front().keys), 3000, 300);
  // Not again within kProvisionalEvery, and none without a key count.
  TickUntil(s, [] { return false; }, 5, {.replica = false, .keys = 3401});
  EXPECT_FALSE(s.TakeFamilies().has_value());
  TargetSampler blind(settings_, std::chrono::seconds(1));
  TickUntil(blind, [&] { return blind.TakeFamilies().has_value(); }, 100, {.replica = false});
  EXPECT_EQ(blind.cycles_completed(), 0u);
  EXPECT_FALSE(blind.TakeFamilies().has_value());
}

TEST(ShouldSampleTest, PrimariesOnlyByDefault) {
  config::KeyspaceSettings by_default;
  EXPECT_TRUE(ShouldSample(by_default, {.replica = false}));
  EXPECT_FALSE(ShouldSample(by_default, {.replica = true}));
  EXPECT_FALSE(ShouldSample(by_default, {}));  // not polled yet
  config::KeyspaceSettings on;
  on.enabled = true;
  EXPECT_TRUE(ShouldSample(on, {.replica = true}));
  config::KeyspaceSettings off;
  off.enabled = false;
  EXPECT_FALSE(ShouldSample(off, {.replica = false}));
}

TEST(SettingsTest, MapOntoSamplerAndBudget) {
  config::KeyspaceSettings k;
  k.budget = 0.05;
  k.max_keys_per_second = 10;
  k.delimiters = ":/";
  k.depth = 2;
  k.top = 7;
  k.interval = std::chrono::minutes(1);
  const keyspace::SamplerOptions so = SamplerOptionsOf(k);
  EXPECT_EQ(so.fold.delimiters, ":/");
  EXPECT_EQ(so.fold.depth, 2);
  EXPECT_EQ(so.top, 7);
  EXPECT_EQ(so.min_cycle_interval, std::chrono::minutes(1));
  const keyspace::SamplingBudgetOptions bo = BudgetOptionsOf(k);
  EXPECT_DOUBLE_EQ(bo.budget, 0.05);
  EXPECT_EQ(bo.max_keys_per_second, 10u);
}

}  // namespace target_sampler_test
}  // namespace memwatch::app
