// The daemon's keyspace sampler thread: one thread for every target, taking
// turns, each target on a CommandClient connection of its own (never the
// INFO poller's), each paced by its own TargetSampler. Every kScanInterval
// the thread ticks each target that is due and sampled (ShouldSample, from
// what the poller last reported), publishes its values to the metrics
// store, then waits out the rest of the interval.
//
// Failures: a target's error is logged when it changes (not every
// interval) and once more when sampling works again; after a failure the
// connection is closed, the keys whose replies were lost count as
// unanswered (TargetSampler::OnFailure; the cycle goes on), and the target
// waits 1 s, doubling up to 1 min, before it is tried again. Messages come
// from CommandClient, which never includes a password.
//
// Threads: Apply (reload, main thread) and OnPollHealth (poller thread)
// hand their values over under mu_; the sampler thread alone owns the
// clients and samplers. Stop interrupts the wait at once and any pipeline
// in progress at its next command: it returns within one command timeout.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/key_family_board.h"
#include "app/target_sampler.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "poller/command_client.h"
#include "poller/poller.h"

namespace memwatch::app {

// Each pipeline of the sampler may take this long (or `timeout:`, if longer).
inline constexpr Duration kMinSamplerCommandTimeout = std::chrono::seconds(1);
inline constexpr Duration kSamplerFirstBackoff = std::chrono::seconds(1);
inline constexpr Duration kSamplerMaxBackoff = std::chrono::minutes(1);

class KeyspaceSampling {
 public:
  // Nothing is owned; all must outlive this object. Each complete cycle's
  // families go to `board`.
  KeyspaceSampling(const config::Config& config, metrics::MetricsStore* store,
                   KeyFamilyBoard* board, const Clock* clock);
  ~KeyspaceSampling();  // Stop()
  KeyspaceSampling(const KeyspaceSampling&) = delete;
  KeyspaceSampling& operator=(const KeyspaceSampling&) = delete;

  void Start();
  // Takes the targets and their keyspace settings of `config`: a target
  // whose settings, address or credentials changed restarts its sampler (a
  // new cycle; its prefix series go until that cycle completes); others
  // keep theirs. Thread-safe; applied by the sampler thread at its next
  // interval.
  void Apply(const config::Config& config);
  // What the poller found; thread-safe.
  void OnPollHealth(const std::string& target, const PollHealth& health);
  // Stops and joins the thread. Idempotent.
  void Stop();

 private:
  struct Spec {
    poller::PollTarget target;
    config::KeyspaceSettings settings;
    Duration command_timeout{};
    // SamplingStandIns: the replica standing in for this primary, or the
    // primary this replica stands in for; "" for neither.
    std::string stand_in;
    std::string stands_in_for;
    // A node of a Redis Cluster: each pipeline starts with READONLY, without
    // which a replica answers TYPE, TTL and MEMORY USAGE with MOVED.
    bool cluster_node = false;
    bool operator==(const Spec&) const = default;
  };
  struct Entry {
    Spec spec;
    std::unique_ptr<poller::CommandClient> client;
    std::unique_ptr<TargetSampler> sampler;
    bool sampling = false;  // as last decided by ShouldSample
    std::string last_error;
    MonoTime retry_at{};
    Duration backoff = kSamplerFirstBackoff;
  };

  static std::map<std::string, Spec> SpecsOf(const config::Config& config);
  void Loop();
  // Takes a pending Apply (under mu_), building or dropping entries.
  void TakeSpecs();
  // Whether `spec`'s node has a stand-in or is one, with the other's health.
  StandIn StandInOf(const Spec& spec);
  void TickOne(const std::string& name, Entry& e, const PollHealth& health);
  bool Stopping();

  metrics::MetricsStore* const store_;
  KeyFamilyBoard* const board_;
  const Clock* const clock_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                               // guarded by mu_
  std::optional<std::map<std::string, Spec>> pending_;  // guarded by mu_
  std::map<std::string, PollHealth> health_;            // guarded by mu_
  std::map<std::string, Entry> entries_;                // the sampler thread's
  std::thread thread_;
};

}  // namespace memwatch::app
