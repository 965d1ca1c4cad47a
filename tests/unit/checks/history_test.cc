#include "checks/history.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace memwatch::checks {
namespace history_test {

using namespace std::chrono_literals;
using testing::kGiB;
using testing::kMiB;

static_assert(sizeof(Bucket) <= 40, "keep buckets compact: 1,000 targets x 512 buckets");

const MonoTime kT0 = MonoTime(std::chrono::hours(10));

Sample Ok(MonoTime at, int64_t used) {
  Sample s;
  s.at = at;
  s.used_memory = used;
  s.keys = 100;
  s.expires = 40;
  s.evicted_keys = 0;
  return s;
}

TEST(HistoryTest, MergesPollsWithinOneSpan) {
  History h(512s);  // 1 s buckets
  h.Add(Ok(kT0, 100 * kMiB));
  h.Add(Ok(kT0 + 500ms, 200 * kMiB));
  h.Add(Ok(kT0 + 1200ms, 50 * kMiB));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].used_bytes(), 150 * kMiB);  // mean
  EXPECT_EQ(h[0].samples, 2);
  EXPECT_EQ(h[1].used_bytes(), 50 * kMiB);
  EXPECT_EQ(h.newest().at(), kT0 + 1200ms);
  EXPECT_EQ(h.newest().keys_without_ttl(), 60);
}

TEST(HistoryTest, FailuresAreCountedButDoNotDilute) {
  History h(512s);
  h.Add(Ok(kT0, 100 * kMiB));
  h.Add(Sample{.at = kT0 + 100ms, .failed = true});
  h.Add(Sample{.at = kT0 + 200ms, .failed = true});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].failures, 2);
  EXPECT_EQ(h[0].used_bytes(), 100 * kMiB);
  // A bucket of failures only has no used_memory.
  h.Add(Sample{.at = kT0 + 5s, .failed = true});
  EXPECT_EQ(h.newest().used_samples, 0);
}

TEST(HistoryTest, OneHourAtOneSecondStaysBounded) {
  History h(3600s);
  for (int i = 0; i < 4 * 3600; ++i) h.Add(Ok(kT0 + std::chrono::seconds(i), i * 1024));
  EXPECT_EQ(h.size(), History::kCapacity);
  const double covered = std::chrono::duration<double>(h.newest().at() - h[0].at()).count();
  EXPECT_GE(covered, 3500);
  EXPECT_LE(covered, 3700);
  EXPECT_LE(h.Bytes(), 32u * 1024);
}

TEST(HistoryTest, SetRetentionRebuckets) {
  History h(512s);
  for (int i = 0; i < 512; ++i) h.Add(Ok(kT0 + std::chrono::seconds(i), 10 * kMiB));
  ASSERT_EQ(h.size(), 512u);
  h.SetRetention(2048s);  // 4 s buckets
  EXPECT_EQ(h.span(), 4000ms);
  EXPECT_GE(h.size(), 128u);
  EXPECT_LE(h.size(), 129u);
  int total = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    total += h[i].samples;
    EXPECT_EQ(h[i].used_bytes(), 10 * kMiB);
  }
  EXPECT_EQ(total, 512);
}

TEST(HistoryTest, CountersKeepTheirLowBitsAndSaturateGauges) {
  History h(512s);
  Sample s = Ok(kT0, 5 * 1024 * kGiB);  // 5 TiB: more than the 32-bit KiB field
  s.evicted_keys = (int64_t{1} << 32) + 5;
  s.keys = int64_t{1} << 40;
  h.Add(s);
  EXPECT_EQ(h[0].evicted, 5u);
  EXPECT_EQ(h[0].keys, UINT32_MAX);
  EXPECT_EQ(h[0].used_kib, UINT32_MAX);
}

}  // namespace history_test
}  // namespace memwatch::checks
