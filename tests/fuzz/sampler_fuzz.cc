// Fuzzes keyspace::Sampler and Summarize with arbitrary sequences of calls
// and replies (SCAN pages with any cursor and key names, facts with any
// type, TTL and MEMORY USAGE, missing or stale facts, restarts, time going
// on) and checks the promises of their headers: the prefix table never
// outgrows its capacity, every counted key is in exactly one entry of each
// ordering, every estimate lies in its interval, shares stay in [0, 1].
// Input: a script of one-byte operations, each followed by its operands
// (see Run). Seeds: tests/fuzz/corpus/sampler_fuzz.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "keyspace/cycle.h"
#include "keyspace/sampler.h"
#include "keyspace/scan_values.h"
#include "keyspace/summary.h"
#include "memwatch/clock.h"

namespace {

using memwatch::MonoTime;
using namespace memwatch::keyspace;  // NOLINT(google-build-using-namespace): a harness

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "sampler_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

constexpr size_t kCapacity = 4;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string Bytes(size_t n) {
    std::string s;
    while (n-- > 0 && pos_ < size_) {
      s.push_back(static_cast<char>(data_[pos_++]));
    }
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

void CheckList(const std::vector<PrefixSummary>& list, const KeyspaceSummary& s) {
  uint64_t sampled = 0;
  for (const PrefixSummary& p : list) {
    sampled += p.sampled;
    Require(p.keys.low <= p.keys.value && p.keys.value <= p.keys.high, "keys outside interval");
    Require(p.keys_without_ttl.low <= p.keys_without_ttl.value &&
                p.keys_without_ttl.value <= p.keys_without_ttl.high,
            "keys without TTL outside interval");
    Require(p.share >= 0 && p.share <= 1, "share outside [0, 1]");
    Require(!p.other || p.prefix.empty(), "other with a prefix");
    Require(!p.other || !p.keys_growth_per_hour.has_value(), "growth on other");
    Require(p.bytes.has_value() == (p.bytes_samples > 0), "bytes without samples");
  }
  Require(list.size() <= kCapacity + 1, "more entries than prefixes and other");
  Require(sampled == s.sampled_keys, "an ordering lost or doubled a key");
}

void CheckSummary(const KeyspaceSummary& s) {
  CheckList(s.by_bytes, s);
  CheckList(s.by_no_ttl, s);
  for (const PrefixSummary& p : GrowingWithoutTtl(s, 0)) {
    Require(!p.other && *p.keys_without_ttl_growth_per_hour > 0, "a non-growing prefix named");
  }
}

constexpr const char* kTypes[] = {"string", "hash", "none", "ReJSON-RL", "", "zset", "list", "set"};

void Run(Input& in) {
  const uint8_t config = in.Byte();
  SamplerOptions options;
  options.table_capacity = kCapacity;
  options.top = static_cast<int>(config & 7) - 2;  // -2 .. 5
  options.max_seen_keys = (config >> 3) & 7;
  options.memory_usage_one_in = (config >> 6) & 3;
  options.min_cycle_interval = std::chrono::seconds(config >> 6);
  options.fold.max_segment_bytes = 4;
  Sampler sampler(options);
  MonoTime now{std::chrono::hours(1)};
  std::vector<std::vector<KeyRequest>> batches;
  while (!in.empty()) {
    switch (in.Byte() % 6) {
      case 0: {  // a SCAN page, if the sampler wants one or not
        ScanPage page;
        page.next_cursor = in.Byte() % 4;
        const size_t n = in.Byte() % 8;
        for (size_t i = 0; i < n; ++i) {
          page.keys.push_back(in.Bytes(in.Byte() % 12));
        }
        sampler.OnScanPage(page, now);
        break;
      }
      case 1: {  // hand out keys
        std::vector<KeyRequest> batch = sampler.NextKeys(in.Byte() % 8);
        if (!batch.empty()) {
          batches.push_back(std::move(batch));
        }
        break;
      }
      case 2: {  // answer the oldest batch (or none: stale facts)
        std::vector<KeyFacts> facts;
        if (!batches.empty()) {
          for (const KeyRequest& r : batches.front()) {
            const uint8_t b = in.Byte();
            if (b & 1) {
              continue;  // no reply
            }
            KeyFacts f;
            f.key = (b & 2) ? r.key : in.Bytes(3);
            f.type = kTypes[(b >> 2) & 7];
            f.ttl = static_cast<int64_t>(in.Byte()) - 4;
            if (b & 0x20) {
              f.bytes = (b & 0x40) ? -static_cast<int64_t>(in.Byte()) : INT64_MAX / (1 + in.Byte());
            }
            facts.push_back(std::move(f));
          }
          batches.erase(batches.begin());
        } else {
          facts.push_back(KeyFacts{.key = in.Bytes(2), .type = "string", .ttl = -1, .bytes = 1});
        }
        sampler.OnKeyFacts(facts, now);
        break;
      }
      case 3:
        sampler.Restart();
        batches.clear();
        break;
      case 4:
        now += std::chrono::seconds(in.Byte());
        break;
      default: {
        const uint64_t total = in.Byte() * uint64_t{3};
        CheckSummary(sampler.SummarizeInProgress(total, now));
        if (const auto last = sampler.SummarizeLastComplete(total); last.has_value()) {
          CheckSummary(*last);
        }
        break;
      }
    }
    Require(sampler.current().table.size() <= kCapacity, "the table outgrew its capacity");
    Require(sampler.batches_due() == batches.size(), "batches due out of step");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  Run(in);
  return 0;
}
