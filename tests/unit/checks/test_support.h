// Test helpers for the check engine: a Snapshot builder (tests never go
// through the INFO parser) and a harness that feeds a TargetMonitor on a
// fake time axis, so hours of polls replay in milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checks/check_settings.h"
#include "checks/observation.h"
#include "checks/target_monitor.h"
#include "memwatch/finding.h"
#include "memwatch/key_families.h"
#include "memwatch/snapshot.h"

namespace memwatch::checks::testing {

inline constexpr int64_t kKiB = 1024;
inline constexpr int64_t kMiB = 1024 * kKiB;
inline constexpr int64_t kGiB = 1024 * kMiB;

// Starts as a stock Redis 7.2 just started on an 8 GiB host: maxmemory 0,
// noeviction, 1 GiB used, 10,000 keys of which 9,000 carry a TTL, RDB on
// (default save rules, never forked yet), no errors, errorstats present.
class SnapshotBuilder {
 public:
  SnapshotBuilder();

  SnapshotBuilder& Used(int64_t bytes);
  SnapshotBuilder& Maxmemory(int64_t bytes);
  SnapshotBuilder& Policy(std::string policy);
  SnapshotBuilder& TotalSystemMemory(std::optional<int64_t> bytes);
  // Replaces the keyspace with one db.
  SnapshotBuilder& Keys(int64_t keys, int64_t expires);
  SnapshotBuilder& NoKeyspaceSection();
  SnapshotBuilder& Evicted(int64_t total);
  SnapshotBuilder& OomErrors(int64_t total);  // errorstat_OOM
  SnapshotBuilder& Uptime(int64_t seconds);

  // Any other field: .Set(&Snapshot::aof_enabled, true).
  template <typename T, typename V>
  SnapshotBuilder& Set(T Snapshot::*field, V&& value) {
    s_.*field = std::forward<V>(value);
    return *this;
  }

  const Snapshot& Build() const { return s_; }

 private:
  Snapshot s_;
};

class MonitorHarness {
 public:
  explicit MonitorHarness(std::optional<int64_t> memory_limit = std::nullopt,
                          const ChecksBlock& checks = {});

  // One successful poll, `step` after the previous observation.
  std::vector<Finding> Poll(const Snapshot& s, Duration step = std::chrono::seconds(1),
                            std::chrono::microseconds probe = std::chrono::microseconds(800));
  // One failed poll, `step` after the previous observation.
  std::vector<Finding> Fail(PollFailure failure, Duration step = std::chrono::seconds(1),
                            std::chrono::microseconds probe = std::chrono::milliseconds(500));

  void Reconfigure(std::optional<int64_t> memory_limit, const ChecksBlock& checks = {});

  // What the next polls report of the target's primary (Observation::primary).
  void SetPrimary(std::optional<PrimaryLimit> primary) { primary_ = std::move(primary); }
  // The TLS server certificate's notAfter (Unix time) that the next polls
  // report; nullopt: no TLS. Each poll gets Observation::tls_expires_in
  // from it as the daemon computes it, against WallSeconds().
  void SetTlsNotAfter(std::optional<int64_t> not_after) { tls_not_after_ = not_after; }
  // What the keyspace sampler reports to the next polls
  // (Observation::key_families); null: nothing.
  void SetKeyFamilies(std::shared_ptr<const KeyFamilies> f) { key_families_ = std::move(f); }
  // The cgroup memory limit the next polls report (Observation::cgroup_limit).
  void SetCgroupLimit(std::optional<int64_t> bytes) { cgroup_limit_ = bytes; }
  // What the keyspace sampler and eviction watcher report with the next
  // polls (Observation::key_families); null: nothing.
  void SetKeyFamilies(std::shared_ptr<const KeyFamilies> f) { key_families_ = std::move(f); }
  // The fake monotonic time of the last observation.
  MonoTime Now() const { return now_; }
  // The fake wall clock: kWallStart at the first observation, then moving
  // with the fake monotonic one.
  static constexpr int64_t kWallStart = 1796601600;  // 2026-12-07 00:00:00 UTC
  double WallSeconds() const { return static_cast<double>(kWallStart) + Elapsed(); }

  // Seconds since the first observation.
  double Elapsed() const;
  TargetMonitor& monitor() { return monitor_; }

 private:
  void SetTls(Observation* obs) const;

  TargetMonitor monitor_;
  MonoTime start_;
  MonoTime now_;
  bool first_ = true;
  std::optional<PrimaryLimit> primary_;
  std::optional<int64_t> tls_not_after_;
  std::optional<int64_t> cgroup_limit_;
  std::shared_ptr<const KeyFamilies> key_families_;
};

// The finding of `check` in `findings`, or null.
const Finding* FindingFor(const std::vector<Finding>& findings, std::string_view check);
// Would dangle: keep the findings in a variable first.
const Finding* FindingFor(std::vector<Finding>&& findings, std::string_view check) = delete;
// The finding of `check`, copied; nullopt when absent.
std::optional<Finding> Get(const std::vector<Finding>& findings, std::string_view check);
bool Has(const std::vector<Finding>& findings, std::string_view check);
// Its severity; nullopt when absent.
std::optional<Severity> LevelOf(const std::vector<Finding>& findings, std::string_view check);
// The evidence value named `name`, or "" when absent.
std::string EvidenceValue(const Finding& f, std::string_view name);

// Calls poll(i) for i in [0, polls) and returns how often the returned
// severity (nullopt: no finding) changed from one poll to the next. A check
// that does not flap changes at most once while a value oscillates at its
// threshold.
int SeverityChanges(int polls, const std::function<std::optional<Severity>(int)>& poll);

// Polls used_memory = share x limit, alternating +-0.5 % around `share`,
// 200 times, and returns SeverityChanges() for `check`.
int ChangesAt(MonitorHarness& h, SnapshotBuilder b, int64_t limit, double share,
              std::string_view check);

// A ChecksBlock that sets one parameter.
ChecksBlock WithParam(std::string check, std::string key, double value);
ChecksBlock Disabled(std::string check);

}  // namespace memwatch::checks::testing
