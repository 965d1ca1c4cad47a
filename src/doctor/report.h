// The doctor report: pure formatting of what one round of polls found, for a
// person who has never operated Redis (text) or for scripts (JSON).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doctor/keyspace_report.h"
#include "keyspace/summary.h"
#include "memwatch/effective_limit.h"
#include "memwatch/finding.h"
#include "memwatch/poll_failure.h"
#include "memwatch/provider.h"
#include "memwatch/snapshot.h"

namespace memwatch::doctor {

struct TargetReport {
  std::string name;
  std::string address;  // display form, never with a password
  PollFailure failure = PollFailure::kNone;
  std::string error;  // when failure != kNone
  std::optional<Snapshot> snapshot;
  std::optional<EffectiveLimit> limit;
  Provider provider = Provider::kSelfManaged;  // configured, else detected
  bool tls_unverified = false;                 // TLS with insecure_skip_verify
  // Where the container's memory limit came from ("memory_limit 4 GiB from
  // the config", "4 GiB from /sys/fs/cgroup/... (cgroup v1, pid 812)"), or
  // why it is unknown.
  std::string container;
  std::vector<Finding> findings;
  // Doctor's keyspace scan, printed after the findings: what it found and
  // what the scan itself did, or why it did not run (keyspace_skipped:
  // "--no-scan", "a replica", an error message). Neither set: no keyspace
  // section at all. The policy advice reads the snapshot's maxmemory and
  // maxmemory-policy.
  std::optional<keyspace::KeyspaceSummary> keyspace;
  KeyspaceScan keyspace_scan;
  std::string keyspace_skipped;
  // For a target with keyspace.protected patterns: whether Redis announces
  // evictions; printed after the keyspace section.
  std::optional<EvictionEvents> eviction_events;
};

// Doctor's exit code: 0 healthy, 1 warnings, 2 critical, 3 a target could
// not be polled.
inline constexpr int kDoctorHealthy = 0;
inline constexpr int kDoctorWarning = 1;
inline constexpr int kDoctorCritical = 2;
inline constexpr int kDoctorUnreachable = 3;
int ExitCode(const std::vector<TargetReport>& reports);

std::string FormatText(const std::vector<TargetReport>& reports);
std::string FormatJson(const std::vector<TargetReport>& reports);

}  // namespace memwatch::doctor
