// The latest state of every target, kept compact and written as Prometheus
// text only when /metrics is scraped. Written by the poller
// thread after each poll, read by the HTTP threads; every member below is
// guarded by mu_.
//
// Why not one prometheus::Gauge per series: with 1,000 targets and ~70 series
// each, per-series objects cost tens of MiB; this store keeps one Snapshot per
// target and writes the text exposition on demand, streamed in chunks
// (TextWriter) without building the families as objects.
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"
#include "memwatch/poll_failure.h"
#include "memwatch/snapshot.h"
#include "metrics/keyspace_metrics.h"
#include "metrics/memory_history.h"
#include "metrics/notification_metrics.h"
#include "metrics/target_status.h"
#include "metrics/text_writer.h"

namespace memwatch::metrics {

// Upper bounds (seconds) of the probe-duration and poll-lag histograms.
inline constexpr std::array<double, 12> kLatencyBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};

// What one finished poll changed for one target.
struct TargetUpdate {
  PollFailure failure = PollFailure::kNone;
  double probe_seconds = 0;
  std::optional<Snapshot> snapshot;  // set iff failure == kNone
  std::vector<Finding> findings;     // active after this poll
  std::optional<EffectiveLimit> limit;
  std::optional<double> time_to_full_seconds;
  double wall_seconds = 0;      // Unix time of the poll, for the last-success gauge
  std::string failure_message;  // why it failed (failure != kNone); never a secret
  // TLS targets only: the server certificate's notAfter (Unix time), and
  // whether the server is not verified (insecure_skip_verify).
  std::optional<int64_t> tls_not_after;
  std::optional<bool> tls_insecure;
};

// One targets file (`targets_files:`): whether its last read succeeded and
// when it was (Unix time).
struct TargetsFileStatus {
  std::string file;
  bool ok = false;
  double read_wall = 0;
};

// Where a target comes from, for redis_memwatch_target_info.
struct TargetPlacement {
  std::string group;          // "" for a plain target
  std::string shard;          // "INDEX/COUNT", "" without sharding
  std::string discovered_by;  // "config", "file", "sentinel" or "cluster"
  // A discovered node's role as its group's discovery saw it ("primary",
  // "replica"); wins over INFO's, which lags behind a failover. "" else.
  std::string role;
};

class Histogram {
 public:
  void Observe(double v);
  // One histogram series (_count, _sum, _bucket) of the writer's family.
  void WriteTo(TextWriter* w, std::initializer_list<Label> labels) const;

 private:
  std::array<uint64_t, kLatencyBuckets.size()> counts_{};  // non-cumulative
  uint64_t count_ = 0;
  double sum_ = 0;
};

class MetricsStore {
 public:
  explicit MetricsStore(std::string version);

  // Keeps the state of targets whose name is in `names`, drops the others,
  // adds empty state for new ones (they export nothing until polled).
  void SetTargets(const std::vector<std::string>& names);
  void Record(const std::string& target, TargetUpdate update);
  void RecordLag(double seconds);
  // Replaces what the keyspace sampler of `target` exports; nullopt exports
  // nothing (the target is not sampled, or its sampler restarted).
  void RecordKeyspace(const std::string& target, std::optional<KeyspaceValues> values);
  // The outcome of the last config (re)load; `wall_seconds` is Unix time.
  void RecordReload(bool successful, double wall_seconds);
  // Replaces the targets files exported; [] exports none.
  void SetTargetsFiles(std::vector<TargetsFileStatus> files);
  // Replaces the placement of every target (by name); a target with none
  // exports no target_info.
  void SetTargetPlacements(std::map<std::string, TargetPlacement, std::less<>> placements);
  // The findings of group `group` as a whole after its last discovery
  // (checks::GroupChecks()), exported as redis_memwatch_group_finding for
  // the groups the placements name; a group gone from them is forgotten.
  void RecordGroupFindings(const std::string& group, std::vector<Finding> findings);
  // Exports the alert-delivery families from `n` (not owned; must outlive
  // every scrape), or none for nullptr.
  void SetNotificationMetrics(const NotificationMetrics* n) { notifications_ = n; }

  // Writes the Prometheus text exposition of every family to `sink`, in
  // chunks of about `chunk_bytes`. mu_ is held for a family, or for a batch
  // of targets, at a time and never while the sink runs, so a slow client
  // never stalls the poller and a scrape never holds a copy of everything.
  // Stops early once the sink returns false.
  void WriteText(const ChunkSink& sink, size_t chunk_bytes = kDefaultChunkBytes) const;
  // The same into a stream (tests, fuzzing).
  void WriteText(std::ostream& out) const;

  // Every target's state for the status page, most urgent first, with the
  // history up to `now_wall`.
  std::vector<TargetStatus> Status(double now_wall) const;
  const std::string& version() const { return version_; }
  // Alert delivery per receiver for the status page; empty without
  // SetNotificationMetrics.
  std::vector<ReceiverNotificationStats> Receivers() const {
    const NotificationMetrics* n = notifications_.load();
    return n != nullptr ? n->Snapshot() : std::vector<ReceiverNotificationStats>{};
  }
  // How often the status page refreshes itself: the poll interval.
  void SetRefreshSeconds(double seconds) { refresh_seconds_.store(seconds); }
  double refresh_seconds() const { return refresh_seconds_.load(); }

 private:
  struct TargetState {
    bool polled = false;
    bool up = false;
    std::optional<Snapshot> snapshot;  // last successful poll while up
    std::vector<Finding> findings;
    std::optional<EffectiveLimit> limit;
    std::optional<double> time_to_full_seconds;
    std::optional<double> last_success_wall;
    std::optional<int64_t> tls_not_after;
    std::optional<bool> tls_insecure;
    std::deque<PollError> recent_errors;  // at most kRecentPollErrors
    MemoryHistory history;
    Histogram probe;
    std::array<uint64_t, kPollFailureCount> poll_errors{};  // by PollFailure
    std::optional<KeyspaceValues> keyspace;                 // while sampled
    std::string role;  // "primary" or "replica" as last polled; "" before
  };

  void WriteTo(TextWriter* w) const;
  // The redis_memwatch_group_finding series; mu_ held.
  void WriteGroupFindings(TextWriter* w) const;

  const std::string version_;
  mutable std::mutex mu_;
  std::map<std::string, TargetState, std::less<>> targets_;                  // guarded by mu_
  Histogram lag_;                                                            // guarded by mu_
  bool reload_ok_ = true;                                                    // guarded by mu_
  double reload_success_wall_ = 0;                                           // guarded by mu_
  std::vector<TargetsFileStatus> targets_files_;                             // guarded by mu_
  std::map<std::string, TargetPlacement, std::less<>> placements_;           // guarded by mu_
  std::map<std::string, std::vector<Finding>, std::less<>> group_findings_;  // guarded by mu_
  std::atomic<const NotificationMetrics*> notifications_{nullptr};
  std::atomic<double> refresh_seconds_{1.0};
};

}  // namespace memwatch::metrics
