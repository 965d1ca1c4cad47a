// Sampler: one SCAN cycle after another over one Redis, planned as values.
// Pure: it says what to send (ScanRequest, KeyRequest) and takes what came
// back (ScanPage, KeyFacts); `now` is an argument wherever time matters.
//
// The whole path, as the glue in src/app drives it each interval:
//   n = budget.Allow(interval, now)              // SamplingBudget
//   while n > 0:
//     if sampler.WantsScan(now):
//       sampler.OnScanPage(Send(sampler.NextScan()), now)   // SCAN cursor COUNT c
//       n -= 1                                    // so a run of empty pages ends too
//       continue
//     batch = sampler.NextKeys(n)                 // up to n keys of the page
//     if batch is empty: break                    // waiting: cycle gap, or facts due
//     n -= batch.size()
//     sampler.OnKeyFacts(Send(batch), now)        // TYPE + TTL [+ MEMORY USAGE], pipelined
// and the Redis time those commands took (INFO commandstats deltas, SCAN's
// included) goes back to the budget, so the rate follows what a key costs.
//
// A cycle starts with cursor 0 and ends when SCAN has returned cursor 0 and
// every key of its pages has been answered; the sampler then keeps it as
// the last complete cycle (and the one before as the previous), and starts
// the next cycle no sooner than min_cycle_interval after the last one
// started. SCAN guarantees that a key present for the whole cycle is
// returned at least once; a key may come twice (when Redis resizes its hash
// table): the sampler counts it once, remembering up to max_seen_keys
// hashes per cycle (Cycle::unchecked counts the keys beyond that, which may
// be counted twice). Keys added or deleted during the cycle may or may not
// be seen. So a complete cycle counts every key, and its counts are the
// keyspace's, not a sample's; a cycle in progress is a uniform sample only
// as far as SCAN's order is unrelated to key names (it is: a hash order).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "keyspace/cycle.h"
#include "keyspace/prefix.h"
#include "keyspace/scan_values.h"
#include "keyspace/seen_keys.h"
#include "keyspace/summary.h"
#include "memwatch/clock.h"

namespace memwatch::keyspace {

struct SamplerOptions {
  FoldOptions fold;
  // Prefixes tracked per cycle (PrefixTable); more go to "other".
  size_t table_capacity = 1000;
  // SCAN's COUNT: a hint of keys per page (Redis may return more or fewer).
  uint32_t scan_count = 100;
  // One key in this many also gets MEMORY USAGE (0: none, 1: every key),
  // chosen by a generator seeded with `seed`, so a replay asks for the same
  // keys' sizes.
  uint32_t memory_usage_one_in = 8;
  uint64_t seed = 0x6d656d7761746368;  // "memwatch"
  // Prefixes listed per ordering in a summary (below 0 counts as 0).
  int top = 20;
  // Key hashes remembered per cycle to count each key once: 8 to 16 bytes
  // each (SeenKeys), 16 MiB at the default 1,048,576.
  size_t max_seen_keys = size_t{1} << 20;
  // A cycle starts at least this long after the previous one started, so
  // a small keyspace is not rescanned back to back and growth rests on a
  // span worth extrapolating.
  Duration min_cycle_interval = std::chrono::minutes(5);
  // Key patterns (glob.h) whose keys each cycle counts apart
  // (Cycle::protected_keys): the keys that must never be evicted.
  std::vector<std::string> protected_patterns;
};

class Sampler {
 public:
  explicit Sampler(SamplerOptions options = {});

  // True iff the next step is a SCAN: no key of the last page is left to
  // hand out, the cycle's SCAN has not come back to cursor 0, and (for a
  // cycle not yet started) min_cycle_interval has passed.
  bool WantsScan(MonoTime now) const;
  // The SCAN to send; the same until OnScanPage takes its reply (resend it
  // after a failure: SCAN cursors stay valid across connections).
  ScanRequest NextScan() const;
  // Takes the reply to NextScan(). Keys already returned in this cycle are
  // dropped; the rest wait for NextKeys. A page arriving after the cycle's
  // SCAN came back to 0 is ignored.
  void OnScanPage(ScanPage page, MonoTime now);

  // Up to max_keys keys of the last page to ask about, in SCAN's order,
  // each marked for MEMORY USAGE pseudo-randomly (memory_usage_one_in).
  // Empty when no key waits. Every non-empty batch must be answered by
  // exactly one OnKeyFacts call, batches in the order they were handed out.
  std::vector<KeyRequest> NextKeys(size_t max_keys);
  // The answer to the oldest unanswered batch: the facts of the keys that
  // got replies (a failed pipeline: an empty vector; keys left out count
  // as Cycle::unanswered). Vanished keys (type "none" or TTL -2) are not
  // counted; TTL -1 (or any other negative) counts as no TTL. Facts with no
  // batch outstanding (e.g. after Restart) are ignored.
  void OnKeyFacts(const std::vector<KeyFacts>& facts, MonoTime now);

  // Drops the cycle in progress (its keys, its cursor and any batch due)
  // and starts over at cursor 0, e.g. after a failover to another server.
  // The complete cycles are kept, and the new cycle still waits for
  // min_cycle_interval after the last complete one started.
  void Restart();

  size_t pending_keys() const { return pending_.size(); }
  size_t batches_due() const { return batches_.size(); }
  uint64_t cycles_completed() const { return cycles_completed_; }
  const Cycle& current() const { return current_; }
  // The last complete cycle and the one before it; nullptr until there.
  const Cycle* last_complete() const { return last_ ? &*last_ : nullptr; }
  const Cycle* previous_complete() const { return previous_ ? &*previous_ : nullptr; }

  // The cycle in progress, as a sample of a keyspace of total_keys keys
  // (what doctor's bounded scan shows), with the growth between the last
  // two complete cycles. Right after a cycle completes the next one is
  // empty: show SummarizeLastComplete then.
  KeyspaceSummary SummarizeInProgress(uint64_t total_keys, MonoTime now) const;
  // The last complete cycle, likewise; nullopt before the first one.
  std::optional<KeyspaceSummary> SummarizeLastComplete(uint64_t total_keys) const;

 private:
  void MaybeFinishCycle(MonoTime now);
  bool NextWantsMemoryUsage();
  // Counts `key` in Cycle::protected_keys when it matches a pattern.
  void CountProtected(const std::string& key, bool has_ttl);

  SamplerOptions options_;
  Cycle current_;
  std::optional<Cycle> last_;
  std::optional<Cycle> previous_;
  uint64_t cycles_completed_ = 0;
  uint64_t cursor_ = 0;
  bool scan_done_ = false;           // SCAN came back to cursor 0 this cycle
  std::deque<std::string> pending_;  // keys of the pages, not yet handed out
  std::deque<size_t> batches_;       // sizes of the batches handed out, unanswered
  SeenKeys seen_;
  uint64_t rng_;  // splitmix64 state
};

}  // namespace memwatch::keyspace
