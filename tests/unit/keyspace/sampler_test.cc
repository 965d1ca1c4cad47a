// Sampler: SCAN cycles planned as values against a tiny in-test "Redis"
// that answers SCAN in a fixed hash order, so an incident (a coupon
// generator filling Redis with keys without TTL) replays in milliseconds.
// Also: duplicates, vanished and unanswered keys, the key budget per call,
// the seeded MEMORY USAGE choice, cycle spacing, Restart, hostile names.
#include "keyspace/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "keyspace/cycle.h"
#include "keyspace/prefix.h"
#include "keyspace/scan_values.h"
#include "keyspace/seen_keys.h"
#include "keyspace/summary.h"
#include "memwatch/clock.h"

namespace memwatch::keyspace {
namespace sampler_test {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

const MonoTime kT0{hours(100)};

struct FakeKey {
  std::string type = "string";
  int64_t ttl = -1;
  int64_t bytes = 100;
};

// A keyspace that answers SCAN (cursor = position in a fixed order by a
// hash of the name, as Redis's order is unrelated to names), TYPE, TTL and
// MEMORY USAGE. It records what it was asked. Like the sampler, its callers
// ask only about keys of the last SCAN page, so that is all it looks up
// (any other key reads as vanished): 250,000 keys replay in milliseconds.
class FakeRedis {
 public:
  // Adds a key (each name once).
  void Set(std::string key, FakeKey value) {
    entries_.push_back(Entry{.hash = Fnv(key), .key = std::move(key), .value = std::move(value)});
    sorted_ = false;
    last_page_.clear();
  }
  void Reserve(size_t n) { entries_.reserve(n); }
  size_t size() const { return entries_.size(); }

  ScanPage Scan(const ScanRequest& request) {
    ++scans;
    if (!sorted_) {
      order_.resize(entries_.size());
      for (size_t i = 0; i < order_.size(); ++i) {
        order_[i] = i;
      }
      std::sort(order_.begin(), order_.end(), [this](size_t x, size_t y) {
        const Entry& a = entries_[x];
        const Entry& b = entries_[y];
        return a.hash != b.hash ? a.hash < b.hash : a.key < b.key;
      });
      sorted_ = true;
    }
    ScanPage page;
    last_page_.clear();
    const auto begin = static_cast<size_t>(request.cursor);
    const size_t end = std::min(entries_.size(), begin + request.count);
    for (size_t i = begin; i < end; ++i) {
      page.keys.push_back(entries_[order_[i]].key);
      last_page_.emplace(entries_[order_[i]].key, order_[i]);
    }
    page.next_cursor = end >= entries_.size() ? 0 : end;
    return page;
  }

  std::vector<KeyFacts> Ask(const std::vector<KeyRequest>& batch) {
    std::vector<KeyFacts> facts;
    facts.reserve(batch.size());
    for (const KeyRequest& r : batch) {
      ++asked;
      const auto it = last_page_.find(r.key);
      if (it == last_page_.end()) {
        facts.push_back(KeyFacts{.key = r.key, .type = "none", .ttl = -2, .bytes = std::nullopt});
        continue;
      }
      const FakeKey& v = entries_[it->second].value;
      if (r.memory_usage) {
        ++memory_usage_asked;
      }
      facts.push_back(
          KeyFacts{.key = r.key,
                   .type = v.type,
                   .ttl = v.ttl,
                   .bytes = r.memory_usage ? std::optional<int64_t>(v.bytes) : std::nullopt});
    }
    return facts;
  }

  uint64_t scans = 0;
  uint64_t asked = 0;
  uint64_t memory_usage_asked = 0;

 private:
  struct Entry {
    uint64_t hash = 0;
    std::string key;
    FakeKey value;
  };

  static uint64_t Fnv(std::string_view s) {
    uint64_t h = 1469598103934665603ULL;
    for (const char c : s) {
      h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return h;
  }

  std::vector<Entry> entries_;
  std::vector<size_t> order_;  // indexes into entries_, in SCAN's order
  bool sorted_ = false;
  std::unordered_map<std::string_view, size_t> last_page_;  // key -> entry, views into entries_
};

// Drives the sampler as the glue does, `batch` keys per pipeline, each
// step 10 ms after the last, for at most max_keys keys or until a cycle
// completes. Returns the time of the last step.
MonoTime Drive(Sampler& sampler, FakeRedis& redis, MonoTime now, size_t batch,
               uint64_t max_keys = UINT64_MAX) {
  const uint64_t cycles = sampler.cycles_completed();
  uint64_t keys = 0;
  while (sampler.cycles_completed() == cycles && keys < max_keys) {
    now += milliseconds(10);
    if (sampler.WantsScan(now)) {
      sampler.OnScanPage(redis.Scan(sampler.NextScan()), now);
      continue;
    }
    const std::vector<KeyRequest> requests =
        sampler.NextKeys(static_cast<size_t>(std::min<uint64_t>(batch, max_keys - keys)));
    if (requests.empty()) {
      break;
    }
    keys += requests.size();
    sampler.OnKeyFacts(redis.Ask(requests), now);
  }
  return now;
}

void FillIncident(FakeRedis& redis, int cache_keys, int coupon_keys) {
  redis.Reserve(static_cast<size_t>(cache_keys + coupon_keys) + 1000);
  for (int i = 0; i < cache_keys; ++i) {
    redis.Set("cache:user:" + std::to_string(i),
              FakeKey{.type = "hash", .ttl = 3600, .bytes = 400});
  }
  for (int i = 0; i < coupon_keys; ++i) {
    redis.Set("coupon:gen:" + std::to_string(1000000 + i),
              FakeKey{.type = "string", .ttl = -1, .bytes = 120});
  }
}

const PrefixSummary* FindIn(const std::vector<PrefixSummary>& list, const std::string& prefix) {
  for (const PrefixSummary& p : list) {
    if (!p.other && p.prefix == prefix) {
      return &p;
    }
  }
  return nullptr;
}

TEST(Sampler, IncidentReplayNamesTheCouponsAndTheirGrowth) {
  FakeRedis redis;
  FillIncident(redis, 200000, 50000);
  const std::string coupon = FoldKey("coupon:gen:1000000", FoldOptions{});
  const std::string cache = FoldKey("cache:user:1", FoldOptions{});
  ASSERT_EQ(coupon, "coupon:gen:*");

  Sampler sampler;
  Drive(sampler, redis, kT0, 500);
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  std::optional<KeyspaceSummary> first = sampler.SummarizeLastComplete(redis.size());
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->complete);
  EXPECT_EQ(first->total_keys, 250000U);
  EXPECT_EQ(first->sampled_keys, 250000U);
  ASSERT_FALSE(first->by_no_ttl.empty());
  const PrefixSummary& top = first->by_no_ttl.front();
  EXPECT_EQ(top.prefix, coupon);
  EXPECT_FALSE(top.other);
  EXPECT_LE(top.keys_without_ttl.low, 50000U);
  EXPECT_GE(top.keys_without_ttl.high, 50000U);
  EXPECT_EQ(top.keys.value, 50000U);  // a complete cycle counts every key
  EXPECT_EQ(top.dominant_type, "string");
  EXPECT_NEAR(top.share, 0.2, 1e-9);
  ASSERT_TRUE(top.bytes.has_value());
  EXPECT_EQ(*top.bytes, 50000U * 120);
  EXPECT_GT(top.bytes_samples, 50000U / 8 / 2);
  EXPECT_FALSE(top.keys_growth_per_hour.has_value());  // one cycle only
  // The cache keys all have a TTL: not in by_no_ttl, but first by bytes.
  EXPECT_EQ(FindIn(first->by_no_ttl, cache), nullptr);
  ASSERT_FALSE(first->by_bytes.empty());
  EXPECT_EQ(first->by_bytes.front().prefix, cache);
  EXPECT_EQ(first->by_bytes.front().dominant_type, "hash");
  EXPECT_EQ(redis.asked, 250000U);
  EXPECT_NEAR(static_cast<double>(redis.memory_usage_asked), 250000.0 / 8, 1000);

  // An hour later, the generator has made 360 more coupons.
  for (int i = 0; i < 360; ++i) {
    redis.Set("coupon:gen:" + std::to_string(2000000 + i),
              FakeKey{.type = "string", .ttl = -1, .bytes = 120});
  }
  Drive(sampler, redis, kT0 + hours(1), 500);
  ASSERT_EQ(sampler.cycles_completed(), 2U);
  const std::optional<KeyspaceSummary> second = sampler.SummarizeLastComplete(redis.size());
  ASSERT_TRUE(second.has_value());
  const PrefixSummary& grown = second->by_no_ttl.front();
  EXPECT_EQ(grown.prefix, coupon);
  EXPECT_EQ(grown.keys.value, 50360U);
  ASSERT_TRUE(grown.keys_growth_per_hour.has_value());
  EXPECT_NEAR(*grown.keys_growth_per_hour, 360, 1);
  EXPECT_NEAR(*grown.keys_without_ttl_growth_per_hour, 360, 1);
  ASSERT_TRUE(grown.bytes_growth_per_hour.has_value());
  EXPECT_NEAR(*grown.bytes_growth_per_hour, 360 * 120, 200);
  const PrefixSummary* cache_now = FindIn(second->by_bytes, cache);
  ASSERT_NE(cache_now, nullptr);
  EXPECT_NEAR(*cache_now->keys_growth_per_hour, 0, 1e-9);

  const std::vector<PrefixSummary> leaks = GrowingWithoutTtl(*second, 100);
  ASSERT_EQ(leaks.size(), 1U);
  EXPECT_EQ(leaks[0].prefix, coupon);
  EXPECT_TRUE(GrowingWithoutTtl(*second, 1000).empty());
}

TEST(Sampler, PartialCycleIsAUniformSampleWithItsInterval) {
  // Doctor's bounded scan: 10,000 of 250,000 keys.
  FakeRedis redis;
  FillIncident(redis, 200000, 50000);
  Sampler sampler;
  const MonoTime end = Drive(sampler, redis, kT0, 1000, 10000);
  EXPECT_EQ(sampler.cycles_completed(), 0U);
  const KeyspaceSummary s = sampler.SummarizeInProgress(redis.size(), end);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.sampled_keys, 10000U);
  EXPECT_GT(s.seconds, 0);
  ASSERT_FALSE(s.by_no_ttl.empty());
  const PrefixSummary& top = s.by_no_ttl.front();
  EXPECT_EQ(top.prefix, "coupon:gen:*");
  EXPECT_LE(top.keys.low, 50000U);
  EXPECT_GE(top.keys.high, 50000U);
  EXPECT_LT(top.keys.low, top.keys.high);
  EXPECT_FALSE(sampler.SummarizeLastComplete(redis.size()).has_value());
}

TEST(Sampler, NextKeysRespectsTheBudgetPerCall) {
  FakeRedis redis;
  FillIncident(redis, 30, 0);
  Sampler sampler(SamplerOptions{.scan_count = 20});
  ASSERT_TRUE(sampler.WantsScan(kT0));
  EXPECT_EQ(sampler.NextScan().cursor, 0U);
  EXPECT_EQ(sampler.NextScan().count, 20U);
  sampler.OnScanPage(redis.Scan(sampler.NextScan()), kT0);
  EXPECT_EQ(sampler.pending_keys(), 20U);
  EXPECT_FALSE(sampler.WantsScan(kT0));  // keys of the page wait
  EXPECT_EQ(sampler.NextScan().cursor, 20U);
  const std::vector<KeyRequest> a = sampler.NextKeys(7);
  EXPECT_EQ(a.size(), 7U);
  EXPECT_EQ(sampler.batches_due(), 1U);
  const std::vector<KeyRequest> b = sampler.NextKeys(100);  // pipelined: two batches due
  EXPECT_EQ(b.size(), 13U);
  EXPECT_TRUE(sampler.NextKeys(5).empty());
  EXPECT_TRUE(sampler.WantsScan(kT0));
  sampler.OnKeyFacts(redis.Ask(a), kT0);
  sampler.OnKeyFacts(redis.Ask(b), kT0);
  EXPECT_EQ(sampler.current().sampled(), 20U);
  EXPECT_EQ(sampler.NextKeys(0).size(), 0U);
  EXPECT_EQ(sampler.batches_due(), 0U);
}

TEST(Sampler, CountsAKeyScanReturnsTwiceOnce) {
  Sampler sampler;
  sampler.OnScanPage(ScanPage{.next_cursor = 5, .keys = {"a:1", "b:1"}}, kT0);
  sampler.OnScanPage(ScanPage{.next_cursor = 0, .keys = {"b:1", "c:1", "c:1"}}, kT0);
  EXPECT_EQ(sampler.current().duplicates, 2U);
  const std::vector<KeyRequest> batch = sampler.NextKeys(10);
  ASSERT_EQ(batch.size(), 3U);
  std::vector<KeyFacts> facts;
  for (const KeyRequest& r : batch) {
    facts.push_back(KeyFacts{.key = r.key, .type = "string", .ttl = -1, .bytes = std::nullopt});
  }
  sampler.OnKeyFacts(facts, kT0);
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  EXPECT_EQ(sampler.last_complete()->sampled(), 3U);
  EXPECT_EQ(sampler.last_complete()->duplicates, 2U);
}

TEST(Sampler, BeyondMaxSeenKeysKeysAreCountedUnchecked) {
  Sampler sampler(SamplerOptions{.max_seen_keys = 2});
  sampler.OnScanPage(ScanPage{.next_cursor = 1, .keys = {"a", "b", "c", "a", "c"}}, kT0);
  EXPECT_EQ(sampler.current().duplicates, 1U);  // "a" was remembered
  EXPECT_EQ(sampler.current().unchecked, 2U);   // "c" twice: may be counted twice
  EXPECT_EQ(sampler.pending_keys(), 4U);
}

TEST(Sampler, VanishedAndUnansweredKeysAreNotCounted) {
  Sampler sampler;
  sampler.OnScanPage(ScanPage{.next_cursor = 0, .keys = {"k:1", "k:2", "k:3", "k:4", "k:5"}}, kT0);
  const std::vector<KeyRequest> first = sampler.NextKeys(3);
  sampler.OnKeyFacts({KeyFacts{.key = "k:1", .type = "none", .ttl = -2, .bytes = std::nullopt},
                      KeyFacts{.key = "k:2", .type = "string", .ttl = -2, .bytes = std::nullopt},
                      KeyFacts{.key = "k:3", .type = "list", .ttl = 10, .bytes = 50}},
                     kT0);
  EXPECT_EQ(sampler.current().vanished, 2U);
  EXPECT_EQ(sampler.current().sampled(), 1U);
  const std::vector<KeyRequest> second = sampler.NextKeys(3);
  EXPECT_EQ(second.size(), 2U);
  sampler.OnKeyFacts({}, kT0 + seconds(1));  // the pipeline failed
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  EXPECT_EQ(sampler.last_complete()->unanswered, 2U);
  EXPECT_EQ(sampler.last_complete()->sampled(), 1U);
  EXPECT_EQ(*sampler.last_complete()->ended, kT0 + seconds(1));
  // Facts with no batch due are ignored.
  sampler.OnKeyFacts({KeyFacts{.key = "x", .type = "string", .ttl = -1, .bytes = std::nullopt}},
                     kT0);
  EXPECT_EQ(sampler.current().sampled(), 0U);
}

TEST(Sampler, CountsProtectedKeysAndTheirTtls) {
  SamplerOptions options;
  options.protected_patterns = {"session:*", "lock:[0-9]*"};
  Sampler sampler(options);
  FakeRedis redis;
  for (int i = 0; i < 5; ++i) redis.Set("session:" + std::to_string(i), FakeKey{.ttl = -1});
  redis.Set("session:ttl", FakeKey{.ttl = 600});
  redis.Set("lock:7", FakeKey{.ttl = 30});
  redis.Set("lock:x", FakeKey{.ttl = 30});  // not [0-9]
  redis.Set(std::string("session:\n\"<script>", 17), FakeKey{.ttl = -1});
  for (int i = 0; i < 20; ++i) redis.Set("cache:" + std::to_string(i), FakeKey{.ttl = 60});
  Drive(sampler, redis, kT0, 7);
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  const ProtectedSample& p = sampler.last_complete()->protected_keys;
  EXPECT_EQ(p.sampled, 8U);
  EXPECT_EQ(p.with_ttl, 2U);
  // Keys with a TTL are the examples: they are the ones Redis may evict.
  EXPECT_TRUE(p.examples_with_ttl);
  std::vector<std::string> examples = p.examples;
  std::sort(examples.begin(), examples.end());
  EXPECT_EQ(examples, (std::vector<std::string>{"lock:7", "session:ttl"}));
  EXPECT_EQ(sampler.current().protected_keys.sampled, 0U);  // the next cycle starts afresh
}

TEST(Sampler, ProtectedExamplesWithoutTtlAreBounded) {
  SamplerOptions options;
  options.protected_patterns = {"*"};
  Sampler sampler(options);
  FakeRedis redis;
  for (int i = 0; i < 50; ++i) redis.Set("k:" + std::to_string(i), FakeKey{});
  Drive(sampler, redis, kT0, 10);
  const ProtectedSample& p = sampler.last_complete()->protected_keys;
  EXPECT_EQ(p.sampled, 50U);
  EXPECT_EQ(p.with_ttl, 0U);
  EXPECT_FALSE(p.examples_with_ttl);
  EXPECT_EQ(p.examples.size(), ProtectedSample::kMaxExamples);
  Sampler none;
  Drive(none, redis, kT0, 10);
  EXPECT_EQ(none.last_complete()->protected_keys.sampled, 0U);
}

TEST(Sampler, APageAfterTheLastOneIsIgnoredWhileFactsAreDue) {
  Sampler sampler;
  sampler.OnScanPage(ScanPage{.next_cursor = 0, .keys = {"a:1"}}, kT0);
  const std::vector<KeyRequest> batch = sampler.NextKeys(10);
  EXPECT_FALSE(sampler.WantsScan(kT0));  // the cycle's SCAN is done; facts are due
  sampler.OnScanPage(ScanPage{.next_cursor = 9, .keys = {"b:1"}}, kT0);
  EXPECT_EQ(sampler.pending_keys(), 0U);
  EXPECT_EQ(sampler.current().scan_pages, 1U);
  sampler.OnKeyFacts({KeyFacts{.key = "a:1", .type = "hash", .ttl = 3, .bytes = std::nullopt}},
                     kT0);
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  EXPECT_EQ(sampler.NextScan().cursor, 0U);  // the next cycle starts over
}

TEST(Sampler, AnEmptyKeyspaceCompletesACycleOnItsFirstPage) {
  Sampler sampler;
  sampler.OnScanPage(ScanPage{.next_cursor = 0, .keys = {}}, kT0);
  EXPECT_EQ(sampler.cycles_completed(), 1U);
  const std::optional<KeyspaceSummary> s = sampler.SummarizeLastComplete(0);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->by_bytes.empty());
  EXPECT_TRUE(s->by_no_ttl.empty());
  EXPECT_EQ(s->sampled_keys, 0U);
}

TEST(Sampler, MemoryUsageChoiceIsSeededAndReplays) {
  auto flags = [](SamplerOptions options) {
    Sampler sampler(options);
    ScanPage page{.next_cursor = 7, .keys = {}};
    for (int i = 0; i < 8000; ++i) {
      page.keys.push_back("k:" + std::to_string(i));
    }
    sampler.OnScanPage(page, kT0);
    std::vector<bool> out;
    for (const KeyRequest& r : sampler.NextKeys(8000)) {
      out.push_back(r.memory_usage);
    }
    return out;
  };
  const std::vector<bool> a = flags(SamplerOptions{});
  EXPECT_EQ(a, flags(SamplerOptions{}));
  EXPECT_NE(a, flags(SamplerOptions{.seed = 42}));
  EXPECT_NEAR(static_cast<double>(std::count(a.begin(), a.end(), true)), 1000, 150);
  const std::vector<bool> none = flags(SamplerOptions{.memory_usage_one_in = 0});
  EXPECT_EQ(std::count(none.begin(), none.end(), true), 0);
  const std::vector<bool> all = flags(SamplerOptions{.memory_usage_one_in = 1});
  EXPECT_EQ(std::count(all.begin(), all.end(), true), 8000);
}

TEST(Sampler, KeepsTheLastTwoCyclesAndSpacesThem) {
  FakeRedis redis;
  FillIncident(redis, 50, 10);
  Sampler sampler(SamplerOptions{.scan_count = 25, .min_cycle_interval = std::chrono::minutes(5)});
  const MonoTime end1 = Drive(sampler, redis, kT0, 100);
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  EXPECT_EQ(sampler.last_complete()->number, 1U);
  EXPECT_EQ(sampler.previous_complete(), nullptr);
  EXPECT_EQ(sampler.current().number, 2U);
  EXPECT_EQ(sampler.current().sampled(), 0U);
  // The next cycle waits until five minutes after the first one started.
  EXPECT_FALSE(sampler.WantsScan(end1));
  EXPECT_FALSE(sampler.WantsScan(kT0 + std::chrono::minutes(5)));
  EXPECT_TRUE(sampler.WantsScan(kT0 + std::chrono::minutes(5) + milliseconds(10)));
  EXPECT_EQ(sampler.NextScan().cursor, 0U);
  Drive(sampler, redis, end1, 100);  // waits: no step possible
  EXPECT_EQ(sampler.cycles_completed(), 1U);

  Drive(sampler, redis, kT0 + std::chrono::minutes(10), 100);
  Drive(sampler, redis, kT0 + std::chrono::minutes(20), 100);
  ASSERT_EQ(sampler.cycles_completed(), 3U);
  EXPECT_EQ(sampler.last_complete()->number, 3U);
  EXPECT_EQ(sampler.previous_complete()->number, 2U);
  EXPECT_EQ(sampler.last_complete()->sampled(), 60U);
  const std::optional<KeyspaceSummary> s = sampler.SummarizeLastComplete(60);
  ASSERT_TRUE(s.has_value());
  // Both prefixes are tracked in both cycles, and neither grew.
  ASSERT_TRUE(s->by_bytes.front().keys_growth_per_hour.has_value());
  EXPECT_DOUBLE_EQ(*s->by_bytes.front().keys_growth_per_hour, 0);
}

TEST(Sampler, RestartDropsTheCycleInProgress) {
  FakeRedis redis;
  FillIncident(redis, 100, 0);
  Sampler sampler(SamplerOptions{.scan_count = 10});
  sampler.OnScanPage(redis.Scan(sampler.NextScan()), kT0);
  const std::vector<KeyRequest> batch = sampler.NextKeys(5);
  sampler.Restart();
  EXPECT_EQ(sampler.pending_keys(), 0U);
  EXPECT_EQ(sampler.batches_due(), 0U);
  EXPECT_EQ(sampler.NextScan().cursor, 0U);
  EXPECT_TRUE(sampler.WantsScan(kT0));
  sampler.OnKeyFacts(redis.Ask(batch), kT0);  // stale: ignored
  EXPECT_EQ(sampler.current().sampled(), 0U);
  EXPECT_EQ(sampler.current().number, 1U);
  // The keys of the dropped cycle are not taken for duplicates.
  Drive(sampler, redis, kT0, 50);
  EXPECT_EQ(sampler.last_complete()->sampled(), 100U);
  EXPECT_EQ(sampler.last_complete()->duplicates, 0U);
}

TEST(Sampler, HostileKeyNamesStayBounded) {
  const FoldOptions fold;
  const size_t bound = static_cast<size_t>(fold.depth) * (fold.max_segment_bytes + 1) + 2;
  constexpr char kBinary[] = "bin\0ary:\xff\xfe:1";
  std::vector<std::string> keys = {
      std::string(kBinary, sizeof kBinary - 1),
      "new\nline:x:y",
      std::string(10 * 1024, 'k'),
      "quote\"back\\slash:1",
      std::string(10 * 1024, ':'),
      "",
  };
  Sampler sampler(SamplerOptions{.table_capacity = 8, .top = 100});
  sampler.OnScanPage(ScanPage{.next_cursor = 0, .keys = keys}, kT0);
  std::vector<KeyFacts> facts;
  for (const KeyRequest& r : sampler.NextKeys(100)) {
    facts.push_back(KeyFacts{.key = r.key, .type = "string", .ttl = -1, .bytes = 1});
  }
  sampler.OnKeyFacts(facts, kT0);
  const std::optional<KeyspaceSummary> s = sampler.SummarizeLastComplete(keys.size());
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->sampled_keys, keys.size());
  for (const PrefixSummary& p : s->by_bytes) {
    EXPECT_LE(p.prefix.size(), bound);
  }
}

TEST(Sampler, ManyDistinctFirstSegmentsKeepTheTableBounded) {
  // 100,000 distinct first segments (kept short of a million so the test
  // stays fast under ASan; PrefixTable's own test covers a million).
  Sampler sampler(SamplerOptions{.table_capacity = 50, .top = 10});
  constexpr int kPages = 100;
  constexpr int kPerPage = 1000;
  for (int p = 0; p < kPages; ++p) {
    ScanPage page{.next_cursor = p + 1 == kPages ? 0U : static_cast<uint64_t>(p + 1), .keys = {}};
    for (int i = 0; i < kPerPage; ++i) {
      page.keys.push_back("seg" + std::to_string(p * kPerPage + i) + "x:v");
    }
    sampler.OnScanPage(std::move(page), kT0);
    std::vector<KeyFacts> facts;
    for (const KeyRequest& r : sampler.NextKeys(kPerPage)) {
      facts.push_back(KeyFacts{.key = r.key, .type = "set", .ttl = 5, .bytes = std::nullopt});
    }
    sampler.OnKeyFacts(facts, kT0);
    EXPECT_LE(sampler.current().table.size(), 50U);
  }
  ASSERT_EQ(sampler.cycles_completed(), 1U);
  EXPECT_LE(sampler.last_complete()->table.size(), 50U);
  const std::optional<KeyspaceSummary> s = sampler.SummarizeLastComplete(100000);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->by_bytes.size(), 11U);  // 10 and other
  EXPECT_TRUE(s->by_bytes.back().other);
  uint64_t sum = 0;
  for (const PrefixSummary& p : s->by_bytes) {
    sum += p.sampled;
  }
  EXPECT_EQ(sum, 100000U);
  EXPECT_TRUE(s->by_no_ttl.back().other);  // every key has a TTL: only other
  EXPECT_EQ(s->by_no_ttl.size(), 1U);
}

TEST(SeenKeys, RemembersUpToItsBoundAndClears) {
  SeenKeys seen(3000);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(seen.Add(std::string("k").append(std::to_string(i))), SeenKeys::Insert::kNew);
  }
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(seen.Add(std::string("k").append(std::to_string(i))), SeenKeys::Insert::kSeen);
  }
  EXPECT_EQ(seen.Add("another"), SeenKeys::Insert::kFull);
  EXPECT_EQ(seen.size(), 3000U);
  seen.Clear();
  EXPECT_EQ(seen.size(), 0U);
  EXPECT_EQ(seen.Add("k1"), SeenKeys::Insert::kNew);
  SeenKeys none(0);
  EXPECT_EQ(none.Add("x"), SeenKeys::Insert::kFull);
  EXPECT_EQ(none.Add(""), SeenKeys::Insert::kFull);
}

}  // namespace sampler_test
}  // namespace memwatch::keyspace
