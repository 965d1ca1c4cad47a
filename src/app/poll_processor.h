// Turns each finished poll into findings, alerts and metrics: parse the
// INFO text, feed the target's check engine, log what changed, evaluate the
// alert state machine, decide whether the target is polled fast, update the
// metrics store. What it asks of the world outside (notifications to
// deliver, polling intervals to change) it returns as PollEffects, for the
// caller to carry out. Runs on the poller thread; owns the per-target check
// and alert state. Not thread-safe: the daemon serialises Process and
// Reconfigure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerting/alert_state.h"
#include "alerting/notification.h"
#include "app/container_limits.h"
#include "app/group_data_set.h"
#include "app/key_family_board.h"
#include "app/watched_primary.h"
#include "checks/target_monitor.h"
#include "config/config.h"
#include "memwatch/clock.h"
#include "metrics/metrics_store.h"
#include "poller/poller.h"

namespace memwatch::app {

// What a poll says about its target, for the keyspace sampler's pressure
// signals and its primaries-only default.
struct PolledHealth {
  std::string target;
  bool down = false;
  std::optional<bool> replica;  // nullopt when the poll failed
  bool near_limit = false;      // used_memory >= 95 % of the effective limit
  // Redis answers far slower than usual now: the command_timeouts finding
  // is active and this poll took at least kSlowProbe.
  bool slow = false;
  std::optional<uint64_t> keys;  // INFO keyspace, summed over dbs; nullopt when unknown
};

// A successful poll this slow, while command_timeouts is active, counts as
// Redis being slow for the keyspace sampler (command_timeouts' default
// min_latency: below it latency outliers are noise).
inline constexpr Duration kSlowProbe = std::chrono::milliseconds(100);

// What a poll or a reload asks of the parts outside the processor.
struct PollEffects {
  // To deliver, in this order.
  std::vector<alerting::Notification> notifications;
  // Poll target `first` every `second` from now on, or at the normal
  // interval for nullopt (adaptive polling).
  std::vector<std::pair<std::string, std::optional<Duration>>> intervals;
  // Process only: what the poll says about the target, for the keyspace
  // sampler.
  std::optional<PolledHealth> health;
};

// What the check engine sees of a poll result, but its snapshot and the
// replica's primary: the times, the failure, and the TLS certificate's
// expiry measured from `wall_now`.
checks::Observation ObservationOf(const poller::PollResult& r, WallTime wall_now);

// What a poll of `target` says about it (`snapshot` null when it failed;
// `active`: the findings after it).
PolledHealth HealthOf(const std::string& target, const std::vector<Finding>& active,
                      const poller::PollResult& r, const Snapshot* snapshot,
                      const std::optional<EffectiveLimit>& limit);

class PollProcessor {
 public:
  // `id_nonce` keeps this run's notification ids apart from an earlier
  // run's.
  PollProcessor(const config::Config& config, metrics::MetricsStore* store, uint64_t id_nonce = 0);

  // Where each observation's key families come from (null: none, the
  // default). Set before the first Process.
  void SetKeyFamilySource(const KeyFamilyBoard* board) { families_ = board; }

  // Applies a new config (reload): unchanged targets keep their history and
  // alert state; new check settings and alerting policy apply from the next
  // poll. Returns the interval changes a new fast_interval needs.
  PollEffects Reconfigure(const config::Config& config);

  // Handles one poll result. Monotonic time comes from the result
  // (`finished`); `wall_now` is only for what people read.
  PollEffects Process(const poller::PollResult& result, WallTime wall_now);

  // Findings about group `name` as a whole (a Sentinel group's or a
  // cluster's, from its discovery): logged when they change and evaluated
  // by the alert state machine under the group's name, like a target's,
  // with the findings on a Sentinel group's data set (group_data_set.h).
  PollEffects ProcessGroup(const std::string& name, std::vector<Finding> findings, MonoTime now,
                           WallTime wall_now);

  // True iff target `name` is currently polled at the fast interval.
  bool FastPolling(const std::string& name) const;

  // True once every target has produced at least one result.
  bool FirstRoundComplete() const { return pending_first_ == 0; }

  static std::vector<poller::PollTarget> PollTargets(const config::Config& config);

 private:
  struct Target {
    std::string name;
    std::string display_address;
    Endpoint endpoint;
    std::optional<int64_t> memory_limit;
    std::optional<bool> tls_insecure;  // TLS targets: insecure_skip_verify
    std::unique_ptr<checks::TargetMonitor> monitor;
    std::vector<Finding> active;  // findings after the last poll
    bool seen = false;
    bool parse_warned = false;
    bool fast = false;                     // polled at fast_interval
    std::optional<int64_t> previous_used;  // used_memory at the last successful poll
    // A Sentinel group's node: the group (DataSetGroupOf) and whether the
    // sentinels name it the primary, whose polls feed the group's data set.
    std::string data_set_group;
    bool group_primary = false;
  };

  // targets_ as replicas look their primary up (same order), with each
  // one's last maxmemory.
  void RebuildWatched(const config::Config& config);

  // The target `r` is about; null when a reload removed it.
  Target* Find(const poller::PollResult& r);

  // Appends to `effects` when the target's polling mode changes.
  void UpdatePollingMode(Target& t, const Snapshot* snapshot, std::optional<EffectiveLimit> limit,
                         PollEffects* effects);

  // Feeds a poll of `t`, its group's primary, to the group's data set and
  // appends the group's notifications.
  void ObserveDataSet(const Target& t, const checks::Observation& obs, WallTime wall_now,
                      PollEffects* effects);

  // Exports group `group`'s findings, its discovery's and its data set's,
  // and returns the alert state machine's notifications for them.
  std::vector<alerting::Notification> UpdateGroup(const std::string& group, MonoTime now,
                                                  WallTime wall_now);

  static void LogChanges(const std::string& name, const std::vector<Finding>& before,
                         const std::vector<Finding>& next);

  metrics::MetricsStore* store_;
  const KeyFamilyBoard* families_ = nullptr;
  alerting::AlertState alerts_;
  Duration fast_interval_;
  std::vector<Target> targets_;  // index = PollResult::target_index
  std::vector<WatchedTarget> watched_;
  std::map<std::string, std::vector<Finding>> group_active_;  // each group's last findings
  GroupDataSets data_sets_;
  std::map<std::string, std::vector<Finding>> data_set_active_;  // by group
  ContainerLimits container_limits_;
  size_t pending_first_ = 0;
};

}  // namespace memwatch::app
