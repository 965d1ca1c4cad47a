#include "test_support.h"

namespace memwatch::checks::testing {

SnapshotBuilder::SnapshotBuilder() {
  s_.redis_version = "7.2.4";
  s_.redis_mode = "standalone";
  s_.uptime_in_seconds = 600;
  s_.config_file = "/etc/redis/redis.conf";
  s_.connected_clients = 12;
  s_.blocked_clients = 0;
  s_.used_memory = 1 * kGiB;
  s_.used_memory_rss = 1 * kGiB + 80 * kMiB;
  s_.used_memory_peak = 1 * kGiB;
  s_.total_system_memory = 8 * kGiB;
  s_.maxmemory = 0;
  s_.maxmemory_policy = "noeviction";
  s_.mem_fragmentation_ratio = 1.08;
  s_.mem_fragmentation_bytes = 80 * kMiB;
  s_.allocator_frag_ratio = 1.01;
  s_.allocator_frag_bytes = 10 * kMiB;
  s_.loading = false;
  s_.rdb_changes_since_last_save = 120;
  s_.rdb_bgsave_in_progress = false;
  s_.rdb_last_bgsave_ok = true;
  s_.rdb_last_cow_size = 0;
  s_.rdb_last_save_time = 1700000000;
  s_.aof_enabled = false;
  s_.aof_rewrite_in_progress = false;
  s_.aof_last_bgrewrite_ok = true;
  s_.aof_last_write_ok = true;
  s_.aof_last_cow_size = 0;
  s_.total_commands_processed = 1000;
  s_.expired_keys = 0;
  s_.evicted_keys = 0;
  s_.total_error_replies = 0;
  s_.role = "master";
  s_.connected_slaves = 0;
  s_.has_errorstats_section = true;
  s_.sections = {"server", "clients",     "memory",     "persistence",
                 "stats",  "replication", "errorstats", "keyspace"};
  Keys(10000, 9000);
}

SnapshotBuilder& SnapshotBuilder::Used(int64_t bytes) {
  s_.used_memory = bytes;
  return *this;
}
SnapshotBuilder& SnapshotBuilder::Maxmemory(int64_t bytes) {
  s_.maxmemory = bytes;
  return *this;
}
SnapshotBuilder& SnapshotBuilder::Policy(std::string policy) {
  s_.maxmemory_policy = std::move(policy);
  return *this;
}
SnapshotBuilder& SnapshotBuilder::TotalSystemMemory(std::optional<int64_t> bytes) {
  s_.total_system_memory = bytes;
  return *this;
}
SnapshotBuilder& SnapshotBuilder::Keys(int64_t keys, int64_t expires) {
  s_.keyspace.clear();
  s_.has_keyspace_section = true;
  if (keys > 0) s_.keyspace["db0"] = KeyspaceDb{keys, expires, 60000, std::nullopt};
  return *this;
}
SnapshotBuilder& SnapshotBuilder::NoKeyspaceSection() {
  s_.keyspace.clear();
  s_.has_keyspace_section = false;
  return *this;
}
SnapshotBuilder& SnapshotBuilder::Evicted(int64_t total) {
  s_.evicted_keys = total;
  return *this;
}
SnapshotBuilder& SnapshotBuilder::OomErrors(int64_t total) {
  s_.has_errorstats_section = true;
  if (total > 0) {
    s_.errorstats["OOM"] = total;
  } else {
    s_.errorstats.erase("OOM");  // Redis lists only errors that happened
  }
  return *this;
}
SnapshotBuilder& SnapshotBuilder::Uptime(int64_t seconds) {
  s_.uptime_in_seconds = seconds;
  return *this;
}

MonitorHarness::MonitorHarness(std::optional<int64_t> memory_limit, const ChecksBlock& checks)
    : monitor_(TargetInfo{"redis-1", memory_limit}, CheckSettings::Merge({}, checks)),
      start_(MonoTime(std::chrono::hours(100))),
      now_(start_) {}

std::vector<Finding> MonitorHarness::Poll(const Snapshot& s, Duration step,
                                          std::chrono::microseconds probe) {
  if (!first_) now_ += step;
  first_ = false;
  Observation obs;
  obs.at = now_;
  obs.probe_duration = probe;
  obs.snapshot = &s;
  obs.primary = primary_;
  obs.cgroup_limit = cgroup_limit_;
  obs.key_families = key_families_;
  SetTls(&obs);
  return monitor_.Observe(obs);
}

std::vector<Finding> MonitorHarness::Fail(PollFailure failure, Duration step,
                                          std::chrono::microseconds probe) {
  if (!first_) now_ += step;
  first_ = false;
  Observation obs;
  obs.at = now_;
  obs.failure = failure;
  obs.failure_message = "no reply within 500 ms";
  obs.probe_duration = probe;
  SetTls(&obs);
  return monitor_.Observe(obs);
}

void MonitorHarness::SetTls(Observation* obs) const {
  obs->tls_not_after = tls_not_after_;
  if (tls_not_after_.has_value()) {
    obs->tls_expires_in = static_cast<double>(*tls_not_after_) - WallSeconds();
  }
}

void MonitorHarness::Reconfigure(std::optional<int64_t> memory_limit, const ChecksBlock& checks) {
  monitor_.Reconfigure(TargetInfo{"redis-1", memory_limit}, CheckSettings::Merge({}, checks));
}

double MonitorHarness::Elapsed() const {
  return std::chrono::duration<double>(now_ - start_).count();
}

const Finding* FindingFor(const std::vector<Finding>& findings, std::string_view check) {
  for (const Finding& f : findings) {
    if (f.check == check) return &f;
  }
  return nullptr;
}

std::optional<Finding> Get(const std::vector<Finding>& findings, std::string_view check) {
  const Finding* f = FindingFor(findings, check);
  if (f == nullptr) return std::nullopt;
  return *f;
}

bool Has(const std::vector<Finding>& findings, std::string_view check) {
  return FindingFor(findings, check) != nullptr;
}

std::optional<Severity> LevelOf(const std::vector<Finding>& findings, std::string_view check) {
  const Finding* f = FindingFor(findings, check);
  if (f == nullptr) return std::nullopt;
  return f->severity;
}

std::string EvidenceValue(const Finding& f, std::string_view name) {
  for (const Evidence& e : f.evidence) {
    if (e.name == name) return e.value;
  }
  return "";
}

int SeverityChanges(int polls, const std::function<std::optional<Severity>(int)>& poll) {
  int changes = 0;
  std::optional<Severity> last;
  for (int i = 0; i < polls; ++i) {
    const std::optional<Severity> level = poll(i);
    if (i > 0 && level != last) ++changes;
    last = level;
  }
  return changes;
}

int ChangesAt(MonitorHarness& h, SnapshotBuilder b, int64_t limit, double share,
              std::string_view check) {
  return SeverityChanges(200, [&](int i) {
    const double s = share + (i % 2 == 0 ? 0.005 : -0.005);
    return LevelOf(h.Poll(b.Used(static_cast<int64_t>(s * static_cast<double>(limit))).Build()),
                   check);
  });
}

ChecksBlock WithParam(std::string check, std::string key, double value) {
  ChecksBlock block;
  block[std::move(check)].params[std::move(key)] = value;
  return block;
}

ChecksBlock Disabled(std::string check) {
  ChecksBlock block;
  block[std::move(check)].enabled = false;
  return block;
}

}  // namespace memwatch::checks::testing
