// Doctor's bounded keyspace scan: the glue between keyspace::Sampler (what
// to ask, pure) and a Redis connection (poller::CommandClient), paced by
// keyspace::SamplingBudget. The path, each interval (kScanInterval):
//   n = budget.Allow(interval, now)
//   the Sampler loop of keyspace/sampler.h, spending n (each SCAN counts 1,
//     each key 1): SCAN cursor COUNT c, then TYPE + TTL [+ MEMORY USAGE key
//     SAMPLES 0] per key, pipelined (at most kMaxBatchKeys keys a pipeline)
//   INFO commandstats: the usec of cmdstat_scan/type/ttl/memory since the
//     last reading go to budget.OnCost with the keys of the interval
//   report progress, then sleep out the rest of the interval
// until `scan_time` has passed or the SCAN cycle is complete. Then DBSIZE
// gives the total the estimates are scaled to.
//
// I/O goes through two seams, so unit tests replay a keyspace in
// milliseconds on a fake clock: PipelineFn (CommandClient::Pipeline in
// production) and SleepFn. The conversions of replies into keyspace values
// are pure functions below.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "doctor/keyspace_report.h"
#include "keyspace/budget.h"
#include "keyspace/sampler.h"
#include "keyspace/scan_values.h"
#include "keyspace/summary.h"
#include "memwatch/clock.h"
#include "memwatch/result.h"
#include "poller/reply_reader.h"

namespace memwatch::app {

using Argv = std::vector<std::string>;  // one argv
// Sends the commands in one pipeline and returns one reply per command, or
// fails (connection, timeout, protocol): CommandClient::Pipeline's contract.
using PipelineFn =
    std::function<Result<std::vector<poller::Reply>>(const std::vector<Argv>&, MonoTime)>;
// Waits for `d` (the real one sleeps; a fake advances its clock).
using SleepFn = std::function<void(Duration)>;

struct ScanProgress {
  double fraction = 0;  // of the scan time spent, 1 when the cycle completed
  uint64_t keys = 0;    // distinct keys looked at so far
  double seconds = 0;   // since the scan started
};
using ProgressFn = std::function<void(const ScanProgress&)>;

inline constexpr Duration kScanInterval = std::chrono::milliseconds(100);
inline constexpr size_t kMaxBatchKeys = 100;

struct KeyspaceScanOptions {
  Duration scan_time = std::chrono::seconds(10);
  Duration interval = kScanInterval;
  // Deadline of each pipeline (SCAN, a batch of keys, INFO, DBSIZE).
  Duration command_timeout = std::chrono::seconds(2);
  keyspace::SamplerOptions sampler = DoctorSamplerOptions();
  keyspace::SamplingBudgetOptions budget;

  // One cycle at most: no gap before it.
  static keyspace::SamplerOptions DoctorSamplerOptions() {
    keyspace::SamplerOptions o;
    o.min_cycle_interval = Duration::zero();
    return o;
  }
};

struct KeyspaceScanResult {
  keyspace::KeyspaceSummary summary;
  doctor::KeyspaceScan scan;
  uint64_t redis_usec = 0;  // Redis time of our SCAN/TYPE/TTL/MEMORY, as measured
};

// Runs the scan described above. Fails, with a message naming what failed,
// when any pipeline fails or a reply does not have the expected shape: a
// scan that lost its connection half way is reported as not run rather
// than shown as if it had been cut short by the scan time. A MEMORY USAGE
// that answers an error (a provider that blocks it) is no failure: that
// key's bytes are unknown.
Result<KeyspaceScanResult> RunKeyspaceScan(const PipelineFn& pipeline, const Clock& clock,
                                           const SleepFn& sleep, const KeyspaceScanOptions& options,
                                           const ProgressFn& progress = nullptr);

// --- One step, shared with the daemon's continuous sampler. ---

struct SampleStepResult {
  uint64_t spent = 0;         // of `allowed`: each SCAN 1, each key 1
  uint64_t keys = 0;          // keys whose TYPE/TTL were asked and answered
  uint64_t keys_scanned = 0;  // keys SCAN returned, repeats included
};

// Spends up to `allowed` keys on the Sampler loop of keyspace/sampler.h:
// SCAN pages and pipelines of TYPE/TTL[/MEMORY USAGE] of at most
// kMaxBatchKeys keys, each pipeline with a deadline of command_timeout from
// when it is sent. Stops early once sampler.cycles_completed() reaches
// stop_at_cycles (so a caller can act at the end of a cycle) or when the
// sampler has nothing to ask (its cycle gap). Fails as RunKeyspaceScan does.
Result<SampleStepResult> SampleStep(const PipelineFn& pipeline, const Clock& clock,
                                    Duration command_timeout, keyspace::Sampler& sampler,
                                    uint64_t allowed, uint64_t stop_at_cycles);

// INFO commandstats, as SamplingUsecFromCommandstats reads it.
Result<uint64_t> ReadSamplingUsec(const PipelineFn& pipeline, MonoTime deadline);

// `pipeline` with READONLY sent first in every pipeline (the connection may
// be a new one) and its reply dropped, so the replies match the commands: a
// Redis Cluster replica answers TYPE, TTL and MEMORY USAGE with MOVED to
// its primary on a connection that did not send it (a primary ignores it).
// An empty pipeline is passed on as it is. READONLY refused (an ACL without
// +readonly) is ignored unless a reply is then MOVED: that fails with an
// error that says so.
PipelineFn WithReadOnly(PipelineFn pipeline);

// --- Pure conversions, exposed for the unit tests. ---

// `SCAN cursor COUNT count`.
Argv ScanCommand(const keyspace::ScanRequest& request);
// TYPE key, TTL key [, MEMORY USAGE key SAMPLES 0] for each request, in order.
std::vector<Argv> KeyCommands(const std::vector<keyspace::KeyRequest>& requests);

// SCAN's reply `[cursor (decimal string), [key, ...]]`. An error reply, a
// wrong shape, a cursor that is not a decimal uint64 or a key that is not a
// string are failures.
Result<keyspace::ScanPage> ScanPageFromReply(const poller::Reply& reply);

// The replies to KeyCommands(requests), in order: TYPE must be a status or
// string, TTL an integer (else a failure); MEMORY USAGE an integer (bytes),
// nil or an error (bytes absent), anything else a failure. Fewer or more
// replies than commands is a failure.
Result<std::vector<keyspace::KeyFacts>> KeyFactsFromReplies(
    const std::vector<keyspace::KeyRequest>& requests, const std::vector<poller::Reply>& replies);

// The sum of usec= over the cmdstat_scan, cmdstat_type, cmdstat_ttl and
// cmdstat_memory lines of INFO commandstats text (absent lines count 0);
// unknown lines are ignored. Also matches Redis 7's `cmdstat_memory|usage`.
uint64_t SamplingUsecFromCommandstats(std::string_view info);

}  // namespace memwatch::app
