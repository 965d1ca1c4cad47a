// protected_keys_evictable (the policy can evict keys marked protected)
// and protected_key_evicted (Redis's eviction events say it did).
#include <gtest/gtest.h>

#include <memory>

#include "test_support.h"

namespace memwatch::checks {
namespace protected_keys_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers
using namespace std::chrono_literals;

SnapshotBuilder Limited(std::string policy) {
  SnapshotBuilder b;
  b.Maxmemory(1 * kGiB).Policy(std::move(policy)).Used(512 * kMiB);
  return b;
}

std::shared_ptr<const KeyFamilies> Sampled(uint64_t sampled, uint64_t with_ttl,
                                           std::vector<std::string> examples = {}) {
  auto f = std::make_shared<KeyFamilies>();
  f->complete = true;
  f->total_keys = 1000;
  f->sampled_keys = 1000;
  f->protected_keys.patterns = {"session:*", "lock:*"};
  f->protected_keys.sampled = sampled;
  f->protected_keys.sampled_with_ttl = with_ttl;
  f->protected_keys.examples = std::move(examples);
  return f;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ProtectedKeysEvictableTest, AllkeysLruWithASessionPattern) {
  MonitorHarness h;
  h.SetKeyFamilies(Sampled(40, 0, {"session:1"}));
  const auto findings = h.Poll(Limited("allkeys-lru").Build());
  const Finding* f = FindingFor(findings, "protected_keys_evictable");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_TRUE(Contains(f->summary,
                       "(`session:*`, `lock:*`): policy allkeys-lru evicts any key "
                       "once memory reaches maxmemory 1 GiB"))
      << f->summary;
  EXPECT_TRUE(Contains(f->summary, "the sample found 40 of them, e.g. `session:1`")) << f->summary;
  EXPECT_EQ(EvidenceValue(*f, "protected keys sampled"), "40 (0 with a TTL)");
  EXPECT_EQ(EvidenceValue(*f, "keyspace sample"), "1,000 of 1,000 keys sampled, full SCAN cycle");
  EXPECT_TRUE(Contains(f->fix, "CONFIG SET maxmemory-policy volatile-lru")) << f->fix;
  EXPECT_TRUE(Contains(f->fix, "separate Redis")) << f->fix;
  EXPECT_TRUE(Contains(f->fix, "noeviction")) << f->fix;
}

TEST(ProtectedKeysEvictableTest, AnyAllkeysPolicyEvenBeforeASample) {
  MonitorHarness h;
  auto f = std::make_shared<KeyFamilies>();
  f->protected_keys.patterns = {"session:*"};  // from the eviction watcher only
  h.SetKeyFamilies(f);
  const auto findings = h.Poll(Limited("allkeys-lfu").Build());
  const Finding* found = FindingFor(findings, "protected_keys_evictable");
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(Contains(found->fix, "volatile-lfu")) << found->fix;
  EXPECT_EQ(EvidenceValue(*found, "protected keys sampled"), "");
}

TEST(ProtectedKeysEvictableTest, VolatileOnlyWhenProtectedKeysHaveATtl) {
  MonitorHarness h;
  h.SetKeyFamilies(Sampled(40, 0));
  EXPECT_FALSE(Has(h.Poll(Limited("volatile-lru").Build()), "protected_keys_evictable"));
  h.SetKeyFamilies(Sampled(40, 3, {"session:9"}));
  const auto findings = h.Poll(Limited("volatile-ttl").Build());
  const Finding* f = FindingFor(findings, "protected_keys_evictable");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Contains(f->summary, "3 of the 40 protected keys sampled have one")) << f->summary;
  EXPECT_TRUE(Contains(f->fix, "PERSIST")) << f->fix;
}

TEST(ProtectedKeysEvictableTest, QuietWithoutPatternsMaxmemoryOrEviction) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Limited("allkeys-lru").Build()), "protected_keys_evictable"));
  auto none = std::make_shared<KeyFamilies>();
  h.SetKeyFamilies(none);
  EXPECT_FALSE(Has(h.Poll(Limited("allkeys-lru").Build()), "protected_keys_evictable"));
  h.SetKeyFamilies(Sampled(10, 10));
  EXPECT_FALSE(Has(h.Poll(Limited("noeviction").Build()), "protected_keys_evictable"));
  EXPECT_FALSE(
      Has(h.Poll(Limited("allkeys-lru").Maxmemory(0).Build()), "protected_keys_evictable"));
  EXPECT_FALSE(
      Has(h.Poll(Limited("allkeys-lru").Set(&Snapshot::role, std::string("slave")).Build()),
          "protected_keys_evictable"));
}

// The board as the eviction watcher leaves it after `total` evictions.
std::shared_ptr<const KeyFamilies> Evicted(uint64_t total, MonoTime last,
                                           std::vector<std::string> examples) {
  auto f = std::make_shared<KeyFamilies>();
  f->protected_keys.patterns = {"session:*"};
  f->protected_keys.evicted_total = total;
  f->protected_keys.last_evicted = last;
  f->protected_keys.evicted_examples = std::move(examples);
  f->protected_keys.eviction_events = true;
  return f;
}

TEST(ProtectedKeyEvictedTest, FiresAtTheFirstEvictionAndHoldsTenMinutes) {
  MonitorHarness h;
  EXPECT_FALSE(Has(h.Poll(Limited("allkeys-lru").Build()), "protected_key_evicted"));
  h.SetKeyFamilies(Evicted(2, h.Now(), {"session:a", "session:\\\"<script>"}));
  const auto findings = h.Poll(Limited("allkeys-lru").Build());
  const Finding* f = FindingFor(findings, "protected_key_evicted");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(f->summary,
            "Redis evicted 2 keys that must never be evicted (`session:*`): `session:a`, "
            "`session:\\\"<script>`");
  EXPECT_EQ(EvidenceValue(*f, "protected keys evicted"),
            "2 in this episode, 2 since the daemon started watching");
  EXPECT_TRUE(Contains(f->fix, "under allkeys-lru")) << f->fix;
  EXPECT_TRUE(Contains(f->fix, "volatile-lru")) << f->fix;
  // Held without new evictions, then clears after `hold`.
  EXPECT_TRUE(Has(h.Poll(Limited("allkeys-lru").Build(), 9min), "protected_key_evicted"));
  EXPECT_FALSE(Has(h.Poll(Limited("allkeys-lru").Build(), 2min), "protected_key_evicted"));
  // A new eviction is a new episode, counted from one.
  h.SetKeyFamilies(Evicted(3, h.Now() + 1s, {"session:b"}));
  const auto again = h.Poll(Limited("allkeys-lru").Build());
  ASSERT_TRUE(Has(again, "protected_key_evicted"));
  EXPECT_TRUE(Contains(FindingFor(again, "protected_key_evicted")->summary, "evicted 1 key "));
}

TEST(ProtectedKeyEvictedTest, OldEvictionsAfterAResetDoNotFire) {
  MonitorHarness h(std::nullopt, Disabled("protected_key_evicted"));
  h.SetKeyFamilies(Evicted(5, h.Now(), {"session:a"}));
  h.Poll(Limited("allkeys-lru").Build());
  h.Poll(Limited("allkeys-lru").Build(), 20min);
  h.Reconfigure(std::nullopt);
  EXPECT_FALSE(Has(h.Poll(Limited("allkeys-lru").Build()), "protected_key_evicted"));
}

TEST(ProtectedKeyEvictedTest, HoldIsAParameter) {
  MonitorHarness h(std::nullopt, WithParam("protected_key_evicted", "hold", 60));
  h.Poll(Limited("volatile-lru").Build());
  h.SetKeyFamilies(Evicted(1, h.Now(), {}));
  const auto findings = h.Poll(Limited("volatile-lru").Build());
  ASSERT_TRUE(Has(findings, "protected_key_evicted"));
  EXPECT_TRUE(Contains(FindingFor(findings, "protected_key_evicted")->fix, "PERSIST"));
  EXPECT_TRUE(Has(h.Poll(Limited("volatile-lru").Build(), 30s), "protected_key_evicted"));
  EXPECT_FALSE(Has(h.Poll(Limited("volatile-lru").Build(), 31s), "protected_key_evicted"));
}

}  // namespace protected_keys_test
}  // namespace memwatch::checks
