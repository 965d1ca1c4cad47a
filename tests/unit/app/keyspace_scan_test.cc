// Doctor's bounded keyspace scan: the reply conversions, and the loop
// replayed against a fake Redis on a fake clock (no sleeping, no socket).
#include "app/keyspace_scan.h"

#include "fake_keyspace_redis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace memwatch::app {
namespace keyspace_scan_test {

using poller::Reply;
using ::testing::HasSubstr;

Reply Str(std::string s) { return Reply{.type = Reply::Type::kString, .text = std::move(s)}; }
Reply StatusReply(std::string s) {
  return Reply{.type = Reply::Type::kStatus, .text = std::move(s)};
}
Reply Err(std::string s) { return Reply{.type = Reply::Type::kError, .text = std::move(s)}; }
Reply Int(long long i) { return Reply{.type = Reply::Type::kInteger, .integer = i}; }
Reply Arr(std::vector<Reply> e) {
  return Reply{.type = Reply::Type::kArray, .elements = std::move(e)};
}

// --- Conversions ---

TEST(KeyspaceScanTest, ScanCommandAndKeyCommands) {
  EXPECT_EQ(ScanCommand({.cursor = 17, .count = 100}), (Argv{"SCAN", "17", "COUNT", "100"}));
  std::vector<Argv> c = KeyCommands({{"a", false}, {"b", true}});
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0], (Argv{"TYPE", "a"}));
  EXPECT_EQ(c[1], (Argv{"TTL", "a"}));
  EXPECT_EQ(c[4], (Argv{"MEMORY", "USAGE", "b", "SAMPLES", "0"}));
}

TEST(KeyspaceScanTest, ScanPageFromAWellFormedReply) {
  Result<keyspace::ScanPage> p =
      ScanPageFromReply(Arr({Str("12345"), Arr({Str("k1"), Str("k2")})}));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p.value().next_cursor, 12345u);
  EXPECT_EQ(p.value().keys, (std::vector<std::string>{"k1", "k2"}));
  // The largest cursor Redis can send.
  p = ScanPageFromReply(Arr({Str("18446744073709551615"), Arr({})}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().next_cursor, 18446744073709551615u);
}

TEST(KeyspaceScanTest, MalformedScanRepliesAreErrors) {
  const std::vector<Reply> bad = {
      Err("NOPERM this user has no permissions to run the 'scan' command"),
      Int(3),
      Reply{},  // nil
      Arr({}),
      Arr({Str("0")}),
      Arr({Str("0"), Arr({}), Arr({})}),
      Arr({Str("abc"), Arr({})}),
      Arr({Str("-1"), Arr({})}),
      Arr({Str(""), Arr({})}),
      Arr({Str("12x"), Arr({})}),
      Arr({Str("18446744073709551616"), Arr({})}),  // one past uint64
      Arr({Int(0), Arr({})}),
      Arr({Str("0"), Str("k")}),
      Arr({Str("0"), Arr({Str("k"), Int(1)})}),
      Arr({Str("0"), Arr({Arr({})})}),
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_FALSE(ScanPageFromReply(bad[i]).ok()) << "case " << i;
  }
  EXPECT_THAT(ScanPageFromReply(bad[0]).status().message(), HasSubstr("NOPERM"));
}

TEST(KeyspaceScanTest, KeyFactsFromReplies) {
  Result<std::vector<keyspace::KeyFacts>> f =
      KeyFactsFromReplies({{"a", false}, {"b", true}, {"c", true}, {"d", true}},
                          {StatusReply("string"), Int(-1),                    //
                           StatusReply("hash"), Int(30), Int(512),            //
                           StatusReply("list"), Int(-2), Err("ERR blocked"),  //
                           Str("set"), Int(5), Reply{}});
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f.value().size(), 4u);
  EXPECT_EQ(f.value()[0].key, "a");
  EXPECT_EQ(f.value()[0].type, "string");
  EXPECT_EQ(f.value()[0].ttl, -1);
  EXPECT_FALSE(f.value()[0].bytes.has_value());
  EXPECT_EQ(f.value()[1].ttl, 30);
  EXPECT_EQ(f.value()[1].bytes, 512);
  EXPECT_FALSE(f.value()[2].bytes.has_value());  // MEMORY USAGE refused: bytes absent
  EXPECT_EQ(f.value()[3].type, "set");
  EXPECT_FALSE(f.value()[3].bytes.has_value());  // nil
}

TEST(KeyspaceScanTest, MalformedKeyRepliesAreErrors) {
  const std::vector<keyspace::KeyRequest> one = {{"a", false}};
  const std::vector<keyspace::KeyRequest> with_mem = {{"a", true}};
  EXPECT_FALSE(KeyFactsFromReplies(one, {}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {StatusReply("string")}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {StatusReply("string"), Int(1), Int(2)}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {Int(1), Int(1)}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {Err("NOPERM"), Int(1)}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {StatusReply("string"), Str("1")}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(one, {StatusReply("string"), Arr({})}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(with_mem, {StatusReply("string"), Int(1)}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(with_mem, {StatusReply("string"), Int(1), Str("12")}).ok());
  EXPECT_FALSE(KeyFactsFromReplies(with_mem, {StatusReply("string"), Int(1), Arr({})}).ok());
  EXPECT_TRUE(KeyFactsFromReplies({}, {}).ok());
}

TEST(KeyspaceScanTest, SamplingUsecFromCommandstats) {
  const std::string info =
      "# Commandstats\r\n"
      "cmdstat_scan:calls=10,usec=100,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n"
      "cmdstat_type:calls=5,usec=20,usec_per_call=4.00\r\n"
      "cmdstat_ttl:calls=5,usec=7,usec_per_call=1.40\r\n"
      "cmdstat_memory|usage:calls=2,usec=30,usec_per_call=15.00\r\n"
      "cmdstat_get:calls=1000,usec=99999,usec_per_call=100.00\r\n"
      "cmdstat_typex:calls=1,usec=5000\r\n"
      "cmdstat_info:calls=3,usec=300\r\n";
  EXPECT_EQ(SamplingUsecFromCommandstats(info), 157u);
  EXPECT_EQ(SamplingUsecFromCommandstats("cmdstat_memory:calls=1,usec=9"), 9u);  // Redis 6
  EXPECT_EQ(SamplingUsecFromCommandstats(""), 0u);
  EXPECT_EQ(SamplingUsecFromCommandstats("cmdstat_scan:calls=1,usec_per_call=3\ngarbage"), 0u);
  EXPECT_EQ(SamplingUsecFromCommandstats("cmdstat_scan:usec=x\ncmdstat_ttl"), 0u);
}

TEST(KeyspaceScanTest, WithReadOnlySendsReadOnlyFirstAndDropsItsReply) {
  std::vector<std::vector<Argv>> sent;
  Result<std::vector<Reply>> answer = std::vector<Reply>{};
  const PipelineFn inner = [&](const std::vector<Argv>& commands, MonoTime) {
    sent.push_back(commands);
    return answer;
  };
  const PipelineFn readonly = WithReadOnly(inner);
  answer = std::vector<Reply>{fake_keyspace::StatusReply("OK"), fake_keyspace::Str("string"),
                              fake_keyspace::Int(-1)};
  Result<std::vector<Reply>> r = readonly({{"TYPE", "k"}, {"TTL", "k"}}, MonoTime{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value().size(), 2u);
  EXPECT_EQ(r.value()[0].text, "string");
  EXPECT_EQ(r.value()[1].integer, -1);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], (std::vector<Argv>{{"READONLY"}, {"TYPE", "k"}, {"TTL", "k"}}));
  // An empty pipeline stays empty; a failure passes through.
  answer = std::vector<Reply>{};
  EXPECT_TRUE(readonly({}, MonoTime{}).ok());
  EXPECT_TRUE(sent.back().empty());
  answer = Status::Error("connection lost");
  r = readonly({{"TYPE", "k"}}, MonoTime{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "connection lost");
}

// READONLY refused (no +readonly in the user's ACL) is harmless on a
// primary; on a replica the MOVED that follows fails with the reason.
TEST(KeyspaceScanTest, WithReadOnlyRefusedSaysSoOnlyWhenAReplyIsRedirected) {
  Result<std::vector<Reply>> answer = std::vector<Reply>{};
  const PipelineFn readonly = WithReadOnly(
      [&](const std::vector<Argv>& /*commands*/, MonoTime /*deadline*/) { return answer; });
  const Reply refused =
      fake_keyspace::Err("NOPERM this user has no permissions to run the 'readonly' command");
  answer = std::vector<Reply>{refused, fake_keyspace::Str("string")};
  Result<std::vector<Reply>> r = readonly({{"TYPE", "k"}}, MonoTime{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()[0].text, "string");
  answer = std::vector<Reply>{refused, fake_keyspace::Err("MOVED 6364 127.0.0.1:7000")};
  r = readonly({{"TYPE", "k"}}, MonoTime{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "the replica redirects keyed reads (MOVED 6364 127.0.0.1:7000) because it refused "
            "READONLY (NOPERM this user has no permissions to run the 'readonly' command): the "
            "monitoring user needs +readonly on cluster nodes");
}

// --- The loop ---

using fake_keyspace::FakeClock;
using fake_keyspace::FakeKey;
using fake_keyspace::FakeRedis;

class KeyspaceScanLoopTest : public ::testing::Test {
 protected:
  Result<KeyspaceScanResult> Run(KeyspaceScanOptions options) {
    start_ = clock_.Now();
    PipelineFn pipeline = [this](const std::vector<Argv>& c, MonoTime d) {
      return redis_.Pipeline(c, d);
    };
    SleepFn sleep = [this](Duration d) {
      EXPECT_GT(d.count(), 0);
      slept_ += d;
      clock_.Advance(d);
    };
    ProgressFn progress = [this](const ScanProgress& p) { progress_.push_back(p); };
    return RunKeyspaceScan(pipeline, clock_, sleep, options, progress);
  }

  // n keys `cache:user:<i>` with a TTL and n / 4 `coupon:gen:<i>` without.
  void Incident(int n) {
    for (int i = 0; i < n; ++i) {
      std::string k = "cache:user:";
      k.append(std::to_string(i));
      redis_.Add(k, {.type = "string", .ttl = 3600, .bytes = 100});
    }
    for (int i = 0; i < n / 4; ++i) {
      std::string k = "coupon:gen:";
      k.append(std::to_string(i));
      redis_.Add(k, {.type = "hash", .ttl = -1, .bytes = 400});
    }
  }

  double Elapsed() const { return std::chrono::duration<double>(clock_.Now() - start_).count(); }

  FakeClock clock_;
  FakeRedis redis_{&clock_};
  MonoTime start_;
  Duration slept_{0};
  std::vector<ScanProgress> progress_;
};

const keyspace::PrefixSummary* Find(const std::vector<keyspace::PrefixSummary>& list,
                                    const std::string& prefix) {
  for (const auto& p : list) {
    if (!p.other && p.prefix == prefix) return &p;
  }
  return nullptr;
}

TEST_F(KeyspaceScanLoopTest, ASmallKeyspaceCompletesOneCycleAndStops) {
  Incident(400);  // 500 keys
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(60)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const keyspace::KeyspaceSummary& s = r.value().summary;
  EXPECT_TRUE(s.complete);
  EXPECT_FALSE(r.value().scan.cut_short);
  EXPECT_EQ(s.total_keys, 500u);
  EXPECT_EQ(s.sampled_keys, 500u);
  EXPECT_EQ(r.value().scan.keys_scanned, 500u);
  EXPECT_EQ(redis_.type_calls_, 500u);  // every key once, no second cycle
  const keyspace::PrefixSummary* coupons = Find(s.by_no_ttl, "coupon:gen:*");
  ASSERT_NE(coupons, nullptr);
  EXPECT_EQ(coupons->keys_without_ttl.value, 100u);
  EXPECT_LT(Elapsed(), 60);
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back().fraction, 1.0);
  EXPECT_EQ(progress_.back().keys, 500u);
}

TEST_F(KeyspaceScanLoopTest, StopsAtTheDeadlineWithAnEstimate) {
  Incident(40000);  // 50,000 keys: more than 3 s can cover at 2000 keys/s
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(3)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const keyspace::KeyspaceSummary& s = r.value().summary;
  EXPECT_FALSE(s.complete);
  EXPECT_TRUE(r.value().scan.cut_short);
  EXPECT_GE(Elapsed(), 3.0);
  EXPECT_LT(Elapsed(), 3.2);  // the last interval's pipelines, a few fake ms each
  EXPECT_EQ(s.total_keys, 50000u);
  EXPECT_GT(s.sampled_keys, 1000u);
  EXPECT_LE(s.sampled_keys, 6000u);  // 2000 keys/s at most
  const keyspace::PrefixSummary* coupons = Find(s.by_no_ttl, "coupon:gen:*");
  ASSERT_NE(coupons, nullptr);
  EXPECT_LE(coupons->keys_without_ttl.low, 10000u);
  EXPECT_GE(coupons->keys_without_ttl.high, 10000u);
  // Progress once per interval: about 30, never more than 10 a second.
  EXPECT_LE(progress_.size(), 31u);
  EXPECT_GE(progress_.size(), 25u);
  for (size_t i = 1; i < progress_.size(); ++i) {
    EXPECT_GE(progress_[i].fraction, progress_[i - 1].fraction);
  }
  EXPECT_LE(progress_.back().fraction, 1.0);
}

TEST_F(KeyspaceScanLoopTest, KeysPerIntervalStayWithinTheBudget) {
  Incident(40000);
  KeyspaceScanOptions options{.scan_time = std::chrono::seconds(5)};
  Result<KeyspaceScanResult> r = Run(options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  // spent_per_interval_[0] is before the first interval. Before any cost is
  // known: 100 keys/s, 10 per 100 ms; then at most 2000 keys/s, 200.
  ASSERT_GT(redis_.spent_per_interval_.size(), 40u);
  EXPECT_EQ(redis_.spent_per_interval_[0], 0u);
  EXPECT_LE(redis_.spent_per_interval_[1], 10u);
  for (uint64_t spent : redis_.spent_per_interval_) EXPECT_LE(spent, 201u);
}

TEST_F(KeyspaceScanLoopTest, AnExpensiveRedisGetsFewerKeys) {
  Incident(4000);
  redis_.usec_per_command_ = 100;  // TYPE + TTL: 200 us a key; 1 %: 50 keys/s
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(5)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<uint64_t>& spent = redis_.spent_per_interval_;
  ASSERT_GT(spent.size(), 40u);
  uint64_t after_first = 0;
  for (size_t i = 2; i < spent.size(); ++i) after_first += spent[i];
  // 50 keys/s (fewer still with SCAN's and MEMORY USAGE's cost) over ~4.9 s.
  EXPECT_LE(after_first, 260u);
  // Redis time spent: about 1 % of the wall time.
  EXPECT_LE(static_cast<double>(r.value().redis_usec), 0.012 * 5e6 + 3000);
}

TEST_F(KeyspaceScanLoopTest, AMemoryUsageErrorLeavesBytesAbsent) {
  Incident(80);
  redis_.memory_blocked_ = true;
  KeyspaceScanOptions options{.scan_time = std::chrono::seconds(60)};
  options.sampler.memory_usage_one_in = 1;
  Result<KeyspaceScanResult> r = Run(options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r.value().summary.complete);
  EXPECT_EQ(redis_.memory_calls_, 100u) << redis_.type_calls_;
  ASSERT_FALSE(r.value().summary.by_bytes.empty());
  for (const auto& p : r.value().summary.by_bytes) EXPECT_FALSE(p.bytes.has_value());
}

TEST_F(KeyspaceScanLoopTest, BytesWhenMemoryUsageAnswers) {
  Incident(80);
  KeyspaceScanOptions options{.scan_time = std::chrono::seconds(60)};
  options.sampler.memory_usage_one_in = 1;
  Result<KeyspaceScanResult> r = Run(options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const keyspace::PrefixSummary* coupons = Find(r.value().summary.by_bytes, "coupon:gen:*");
  ASSERT_NE(coupons, nullptr);
  EXPECT_EQ(coupons->bytes, 20u * 400u);
}

TEST_F(KeyspaceScanLoopTest, AConnectionLostMidScanIsAnError) {
  Incident(4000);
  redis_.fail_after_ = 20;
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(10)});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("connection lost"));
  EXPECT_LT(Elapsed(), 10);
}

TEST_F(KeyspaceScanLoopTest, NoConnectionAtAllIsAnError) {
  redis_.fail_after_ = 0;
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(10)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(slept_.count(), 0);
}

TEST_F(KeyspaceScanLoopTest, AnEmptyKeyspaceCompletesAtOnce) {
  Result<KeyspaceScanResult> r = Run({.scan_time = std::chrono::seconds(10)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r.value().summary.complete);
  EXPECT_EQ(r.value().summary.total_keys, 0u);
  EXPECT_LT(Elapsed(), 1);
}

}  // namespace keyspace_scan_test
}  // namespace memwatch::app
