#include "metrics/metrics_store.h"

#include <algorithm>
#include <iterator>

#include "checks/check_registry.h"
#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace {

// A check exported on redis_memwatch_group_finding, with its severities.
struct GroupSeries {
  std::string_view check;
  std::span<const Severity> severities;
};

// The checks of a group discovered by `kind`: its discovery's, and for a
// Sentinel group its data set's.
std::vector<GroupSeries> GroupSeriesOf(std::string_view kind) {
  std::vector<GroupSeries> series;
  for (const checks::GroupCheckSpec& c : checks::GroupChecks()) {
    if (c.discovered_by == kind) series.push_back({c.name, c.severities});
  }
  if (kind == "sentinel") {
    for (std::string_view check : checks::SentinelDataSetChecks()) {
      series.push_back({check, checks::FindCheck(check)->severities});
    }
  }
  return series;
}

// A gauge or counter read straight from the last snapshot.
struct SnapshotValue {
  std::string_view name;
  MetricType type;
  std::string_view help;
  std::optional<double> (*get)(const Snapshot&);
};

template <typename T>
std::optional<double> D(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

const std::vector<SnapshotValue>& SnapshotValues() {
  static const std::vector<SnapshotValue> kValues{
      {kMemoryUsed, MetricType::kGauge, "Bytes allocated by Redis (used_memory).",
       [](const Snapshot& s) { return D(s.used_memory); }},
      {kMemoryUsedRss, MetricType::kGauge, "Resident set size of Redis (used_memory_rss).",
       [](const Snapshot& s) { return D(s.used_memory_rss); }},
      {kMemoryUsedPeak, MetricType::kGauge, "Peak of used_memory.",
       [](const Snapshot& s) { return D(s.used_memory_peak); }},
      {kMemoryMax, MetricType::kGauge, "maxmemory setting; 0 means no limit.",
       [](const Snapshot& s) { return D(s.maxmemory); }},
      {kTotalSystemMemory, MetricType::kGauge,
       "RAM of the host Redis runs on (not the container's limit).",
       [](const Snapshot& s) { return D(s.total_system_memory); }},
      {kMemFragmentationRatio, MetricType::kGauge, "used_memory_rss / used_memory.",
       [](const Snapshot& s) { return D(s.mem_fragmentation_ratio); }},
      {kMemFragmentationBytes, MetricType::kGauge, "used_memory_rss - used_memory.",
       [](const Snapshot& s) { return D(s.mem_fragmentation_bytes); }},
      {kAllocatorFragRatio, MetricType::kGauge, "Allocator fragmentation ratio (jemalloc).",
       [](const Snapshot& s) { return D(s.allocator_frag_ratio); }},
      {kAllocatorFragBytes, MetricType::kGauge, "Bytes wasted by allocator fragmentation.",
       [](const Snapshot& s) { return D(s.allocator_frag_bytes); }},
      {kConnectedClients, MetricType::kGauge, "Client connections.",
       [](const Snapshot& s) { return D(s.connected_clients); }},
      {kBlockedClients, MetricType::kGauge, "Clients in a blocking call.",
       [](const Snapshot& s) { return D(s.blocked_clients); }},
      {kEvictedKeys, MetricType::kCounter, "Keys evicted because of maxmemory.",
       [](const Snapshot& s) { return D(s.evicted_keys); }},
      {kExpiredKeys, MetricType::kCounter, "Keys removed because their TTL expired.",
       [](const Snapshot& s) { return D(s.expired_keys); }},
      {kKeyspaceHits, MetricType::kCounter, "Successful key lookups.",
       [](const Snapshot& s) { return D(s.keyspace_hits); }},
      {kKeyspaceMisses, MetricType::kCounter, "Failed key lookups.",
       [](const Snapshot& s) { return D(s.keyspace_misses); }},
      {kCommandsProcessed, MetricType::kCounter, "Commands processed by the server.",
       [](const Snapshot& s) { return D(s.total_commands_processed); }},
      {kRejectedConnections, MetricType::kCounter, "Connections rejected (maxclients).",
       [](const Snapshot& s) { return D(s.rejected_connections); }},
      {kUptime, MetricType::kGauge, "Seconds since the Redis server started.",
       [](const Snapshot& s) { return D(s.uptime_in_seconds); }},
      {kRdbLastBgsaveStatus, MetricType::kGauge, "1 if the last RDB save succeeded.",
       [](const Snapshot& s) { return D(s.rdb_last_bgsave_ok); }},
      {kAofLastWriteStatus, MetricType::kGauge, "1 if the last AOF write succeeded.",
       [](const Snapshot& s) { return D(s.aof_last_write_ok); }},
      {kKeysWithoutTtl, MetricType::kGauge, "Keys without a TTL, summed over databases.",
       [](const Snapshot& s) -> std::optional<double> {
         if (!s.has_keyspace_section) return std::nullopt;
         return static_cast<double>(s.TotalKeys() - s.TotalExpires());
       }},
  };
  return kValues;
}

// Targets whose series are written under one hold of mu_, at most: the lock
// is released (and the buffer flushed to the client) between batches.
constexpr size_t kTargetsPerBatch = 64;

}  // namespace

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < kLatencyBuckets.size() && v > kLatencyBuckets[i]) ++i;
  if (i < kLatencyBuckets.size()) ++counts_[i];
  ++count_;
  sum_ += v;
}

void Histogram::WriteTo(TextWriter* w, std::initializer_list<Label> labels) const {
  w->Histogram(labels, kLatencyBuckets, counts_, count_, sum_);
}

MetricsStore::MetricsStore(std::string version) : version_(std::move(version)) {}

void MetricsStore::SetTargets(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  std::map<std::string, TargetState, std::less<>> next;
  for (const std::string& n : names) {
    auto it = targets_.find(n);
    next[n] = it == targets_.end() ? TargetState{} : std::move(it->second);
  }
  targets_ = std::move(next);
}

void MetricsStore::Record(const std::string& target, TargetUpdate u) {
  std::lock_guard lock(mu_);
  auto it = targets_.find(target);
  if (it == targets_.end()) return;  // removed by a reload while polling
  TargetState& t = it->second;
  t.polled = true;
  t.up = u.failure == PollFailure::kNone;
  if (t.up) {
    t.snapshot = std::move(u.snapshot);
    t.probe.Observe(u.probe_seconds);
    t.last_success_wall = u.wall_seconds;
    t.limit = u.limit;
    t.time_to_full_seconds = u.time_to_full_seconds;
    if (t.snapshot.has_value() && t.snapshot->role.has_value()) {
      t.role = *t.snapshot->role == "slave" ? "replica" : "primary";
    }
    if (t.snapshot.has_value() && t.snapshot->used_memory.has_value()) {
      t.history.Record(u.wall_seconds, *t.snapshot->used_memory);
    }
  } else {
    // Stale numbers mislead: a down target exports redis_up 0, its findings
    // and our own counters, but no raw Redis values.
    t.snapshot.reset();
    ++t.poll_errors[static_cast<size_t>(u.failure)];
    t.recent_errors.push_back(
        {u.wall_seconds, std::string(PollFailureName(u.failure)), std::move(u.failure_message)});
    if (t.recent_errors.size() > kRecentPollErrors) t.recent_errors.pop_front();
  }
  t.findings = std::move(u.findings);
  // Kept while polls fail: an expired certificate is why they fail.
  if (u.tls_not_after.has_value()) t.tls_not_after = u.tls_not_after;
  t.tls_insecure = u.tls_insecure;
}

std::vector<TargetStatus> MetricsStore::Status(double now_wall) const {
  std::vector<TargetStatus> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(targets_.size());
    for (const auto& [name, t] : targets_) {
      TargetStatus s;
      s.name = name;
      s.polled = t.polled;
      s.up = t.up;
      s.last_success_wall = t.last_success_wall;
      if (t.snapshot.has_value()) {
        s.used_memory = t.snapshot->used_memory;
        s.maxmemory_policy = t.snapshot->maxmemory_policy;
        s.role = t.snapshot->role;
      }
      s.limit = t.limit;
      s.time_to_full_seconds = t.time_to_full_seconds;
      s.findings = t.findings;
      s.recent_errors.assign(t.recent_errors.begin(), t.recent_errors.end());
      s.history = t.history.Points(now_wall);
      if (t.keyspace.has_value()) s.keyspace = KeyspaceStatusOf(*t.keyspace);
      out.push_back(std::move(s));
    }
  }
  SortByUrgency(&out);
  return out;
}

void MetricsStore::RecordKeyspace(const std::string& target, std::optional<KeyspaceValues> values) {
  std::lock_guard lock(mu_);
  auto it = targets_.find(target);
  if (it != targets_.end()) it->second.keyspace = std::move(values);
}

void MetricsStore::RecordLag(double seconds) {
  std::lock_guard lock(mu_);
  lag_.Observe(seconds);
}

void MetricsStore::RecordReload(bool successful, double wall_seconds) {
  std::lock_guard lock(mu_);
  reload_ok_ = successful;
  if (successful) reload_success_wall_ = wall_seconds;
}

void MetricsStore::SetTargetsFiles(std::vector<TargetsFileStatus> files) {
  std::lock_guard lock(mu_);
  targets_files_ = std::move(files);
}

void MetricsStore::SetTargetPlacements(
    std::map<std::string, TargetPlacement, std::less<>> placements) {
  std::lock_guard lock(mu_);
  placements_ = std::move(placements);
  std::erase_if(group_findings_, [this](const auto& kv) {
    return std::none_of(placements_.begin(), placements_.end(),
                        [&kv](const auto& p) { return p.second.group == kv.first; });
  });
}

void MetricsStore::RecordGroupFindings(const std::string& group, std::vector<Finding> findings) {
  std::lock_guard lock(mu_);
  group_findings_[group] = std::move(findings);
}

void MetricsStore::WriteGroupFindings(TextWriter* w) const {
  std::map<std::string, std::string> groups;  // group -> discovered_by
  for (const auto& [target, p] : placements_) {
    if (!p.group.empty()) groups.emplace(p.group, p.discovered_by);
  }
  for (const auto& [group, kind] : groups) {
    auto found = group_findings_.find(group);
    for (const GroupSeries& c : GroupSeriesOf(kind)) {
      for (Severity sev : c.severities) {
        const bool active =
            found != group_findings_.end() &&
            std::any_of(found->second.begin(), found->second.end(), [&c, sev](const Finding& f) {
              return f.check == c.check && f.severity == sev;
            });
        w->Sample({{"group", group}, {"check", c.check}, {"severity", SeverityName(sev)}},
                  active ? 1 : 0);
      }
    }
  }
}

void MetricsStore::WriteText(const ChunkSink& sink, size_t chunk_bytes) const {
  TextWriter w(sink, chunk_bytes);
  WriteTo(&w);
  w.Finish();
}

void MetricsStore::WriteText(std::ostream& out) const {
  WriteText([&out](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return out.good();
  });
}

void MetricsStore::WriteTo(TextWriter* w) const {
  // A family of process-wide series: one short hold of mu_.
  auto family = [&](std::string_view name, std::string_view help, MetricType type, auto&& fill) {
    if (!w->wants_more()) return;
    w->BeginFamily(name, help, type);
    {
      std::lock_guard lock(mu_);
      fill();
    }
    w->MaybeFlush();
  };
  // A family with series per target: mu_ is held for at most
  // kTargetsPerBatch targets, or until a chunk is ready, then released while
  // the chunk goes to the client. The walk resumes after the last name
  // written, so a reload in between is harmless (removed targets are
  // skipped, new ones appear if they sort later).
  auto per_target = [&](std::string_view name, std::string_view help, MetricType type,
                        auto&& write_target) {
    w->BeginFamily(name, help, type);
    std::string last;
    bool started = false;
    while (w->wants_more()) {
      {
        std::lock_guard lock(mu_);
        auto it = started ? targets_.upper_bound(last) : targets_.begin();
        for (size_t n = 0; it != targets_.end() && n < kTargetsPerBatch; ++it, ++n) {
          write_target(it->first, it->second);
          if (w->chunk_ready()) {
            ++it;
            break;
          }
        }
        if (it == targets_.end()) break;
        last = std::prev(it)->first;
        started = true;
      }
      w->MaybeFlush();
    }
    w->MaybeFlush();
  };
  using TS = TargetState;

  family(kBuildInfo, "Version of redis-memwatch; always 1.", MetricType::kGauge, [&] {
    w->Sample({{"version", version_}}, 1);
  });
  family(kReloadSuccessful, "1 if the last configuration (re)load succeeded.", MetricType::kGauge,
         [&] { w->Sample({}, reload_ok_ ? 1 : 0); });
  family(kReloadSuccessTimestamp, "Unix time of the last successful configuration load.",
         MetricType::kGauge, [&] { w->Sample({}, reload_success_wall_); });
  family(kTargetsFileLastReadSuccessful,
         "1 if the last read of the targets file succeeded; 0 while its last good content is "
         "used.",
         MetricType::kGauge, [&] {
           for (const TargetsFileStatus& f : targets_files_) {
             w->Sample({{"file", f.file}}, f.ok ? 1 : 0);
           }
         });
  family(kTargetsFileLastReadTimestamp, "Unix time of the last read of the targets file.",
         MetricType::kGauge, [&] {
           for (const TargetsFileStatus& f : targets_files_) {
             w->Sample({{"file", f.file}}, f.read_wall);
           }
         });
  per_target(kTargetInfo,
             "Where the target comes from and which daemon watches it; always 1. role is "
             "primary or replica as last polled, \"\" before; for a node of a Sentinel group or "
             "cluster, as its group's discovery last saw it.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               auto p = placements_.find(target);
               if (p == placements_.end()) return;
               w->Sample({{"target", target},
                          {"group", p->second.group},
                          {"role", p->second.role.empty() ? t.role : p->second.role},
                          {"shard", p->second.shard},
                          {"discovered_by", p->second.discovered_by}},
                         1);
             });
  per_target(kRedisUp, "1 if the last poll of the target succeeded.", MetricType::kGauge,
             [&](std::string_view target, const TS& t) {
               if (t.polled) w->Sample({{"target", target}}, t.up ? 1 : 0);
             });
  for (const SnapshotValue& v : SnapshotValues()) {
    per_target(v.name, v.help, v.type, [&](std::string_view target, const TS& t) {
      if (!t.snapshot) return;
      if (std::optional<double> x = v.get(*t.snapshot)) w->Sample({{"target", target}}, *x);
    });
  }
  per_target(kErrors, "Error replies by error prefix (INFO errorstats).", MetricType::kCounter,
             [&](std::string_view target, const TS& t) {
               if (!t.snapshot) return;
               for (const auto& [err, count] : t.snapshot->errorstats) {
                 w->Sample({{"target", target}, {"err", err}}, static_cast<double>(count));
               }
               // The OOM series exists from the first poll (at 0), so
               // increase() in rules and panels counts the very first
               // rejected write too.
               if (t.snapshot->has_errorstats_section && !t.snapshot->errorstats.contains("OOM")) {
                 w->Sample({{"target", target}, {"err", "OOM"}}, 0);
               }
             });
  per_target(kDbKeys, "Keys in the database.", MetricType::kGauge,
             [&](std::string_view target, const TS& t) {
               if (!t.snapshot) return;
               for (const auto& [db, ks] : t.snapshot->keyspace) {
                 w->Sample({{"target", target}, {"db", db}}, static_cast<double>(ks.keys));
               }
             });
  per_target(kDbKeysExpiring, "Keys with a TTL in the database.", MetricType::kGauge,
             [&](std::string_view target, const TS& t) {
               if (!t.snapshot) return;
               for (const auto& [db, ks] : t.snapshot->keyspace) {
                 w->Sample({{"target", target}, {"db", db}}, static_cast<double>(ks.expires));
               }
             });
  per_target(kMemoryLimit,
             "The limit memory use is measured against: maxmemory, else the configured "
             "memory_limit, else the limit of Redis's cgroup (a local Redis), else the host's "
             "RAM. Never 0.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.snapshot || !t.limit) return;
               w->Sample({{"target", target}, {"source", t.limit->source}},
                         static_cast<double>(t.limit->bytes));
             });
  per_target(kMemoryUsedRatio, "used_memory / the effective memory limit.", MetricType::kGauge,
             [&](std::string_view target, const TS& t) {
               if (!t.snapshot || !t.limit || !t.snapshot->used_memory || t.limit->bytes <= 0) {
                 return;
               }
               w->Sample({{"target", target}}, static_cast<double>(*t.snapshot->used_memory) /
                                                   static_cast<double>(t.limit->bytes));
             });
  per_target(kTimeToFull,
             "Seconds until used memory reaches the effective limit at the current trend; "
             "+Inf when not growing.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.snapshot || !t.time_to_full_seconds) return;
               w->Sample({{"target", target}}, *t.time_to_full_seconds);
             });
  per_target(kTlsCertificateExpiry,
             "notAfter of the TLS certificate the target presented (Unix time); TLS targets "
             "only.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.tls_not_after) return;
               w->Sample({{"target", target}}, static_cast<double>(*t.tls_not_after));
             });
  per_target(kTlsInsecureSkipVerify,
             "1 when the target's TLS server is not verified (tls.insecure_skip_verify), 0 when "
             "it is; TLS targets only.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.tls_insecure) return;
               w->Sample({{"target", target}}, *t.tls_insecure ? 1 : 0);
             });
  per_target(kFinding,
             "1 while the check's finding is active at this severity, else 0. Every check has "
             "a series per target and severity it can raise.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.polled) return;
               for (const checks::CheckSpec& c : checks::AllChecks()) {
                 for (Severity sev : c.severities) {
                   bool active = false;
                   for (const Finding& f : t.findings) {
                     active = active || (f.check == c.name && f.severity == sev);
                   }
                   w->Sample(
                       {{"target", target}, {"check", c.name}, {"severity", SeverityName(sev)}},
                       active ? 1 : 0);
                 }
               }
             });
  family(kGroupFinding,
         "1 while the group's finding is active at this severity, else 0. Every group check of "
         "the group's kind (sentinel, cluster) has a series per group and severity.",
         MetricType::kGauge, [&] { WriteGroupFindings(w); });
  // Keyspace sampling: only for targets whose sampler runs; the prefix
  // families only once a cycle completed.
  auto prefix_family = [&](std::string_view name, std::string_view help, auto&& value) {
    per_target(name, help, MetricType::kGauge, [&](std::string_view target, const TS& t) {
      if (!t.keyspace || !t.keyspace->prefixes) return;
      for (const KeyspacePrefixValues& p : *t.keyspace->prefixes) {
        if (std::optional<double> v = value(p)) {
          w->Sample({{"target", target}, {"prefix", p.prefix}}, *v);
        }
      }
    });
  };
  prefix_family(kKeyspacePrefixKeys,
                "Keys of the key prefix in the last complete keyspace sampling cycle: the top "
                "prefixes by bytes, the rest summed under prefix \\other.",
                [](const KeyspacePrefixValues& p) -> std::optional<double> {
                  return static_cast<double>(p.keys);
                });
  prefix_family(kKeyspacePrefixKeysWithoutTtl,
                "Keys of the key prefix that never expire (no TTL) in the last complete "
                "keyspace sampling cycle.",
                [](const KeyspacePrefixValues& p) -> std::optional<double> {
                  return static_cast<double>(p.keys_without_ttl);
                });
  prefix_family(kKeyspacePrefixBytes,
                "Estimated bytes of the key prefix (its keys times the mean MEMORY USAGE of "
                "those sampled) in the last complete keyspace sampling cycle.",
                [](const KeyspacePrefixValues& p) -> std::optional<double> {
                  if (!p.bytes) return std::nullopt;
                  return static_cast<double>(*p.bytes);
                });
  per_target(kKeyspaceSampledKeys, "Keys the keyspace sampler looked at (TYPE and TTL).",
             MetricType::kCounter, [&](std::string_view target, const TS& t) {
               if (!t.keyspace) return;
               w->Sample({{"target", target}}, static_cast<double>(t.keyspace->sampled_keys_total));
             });
  per_target(kKeyspaceCycleSeconds,
             "How long the last complete keyspace sampling cycle (one SCAN over every key) took.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.keyspace || !t.keyspace->cycle_seconds) return;
               w->Sample({{"target", target}}, *t.keyspace->cycle_seconds);
             });
  per_target(kKeyspaceRedisSeconds,
             "Redis time spent on the keyspace sampler's commands (SCAN, TYPE, TTL, MEMORY), "
             "from INFO commandstats: what sampling costs the server.",
             MetricType::kCounter, [&](std::string_view target, const TS& t) {
               if (!t.keyspace) return;
               w->Sample({{"target", target}}, t.keyspace->redis_seconds_total);
             });
  per_target(kKeyspaceBackoff,
             "1 for the reason the keyspace sampler is slowed down now (reason none when it "
             "is not), 0 for the others.",
             MetricType::kGauge, [&](std::string_view target, const TS& t) {
               if (!t.keyspace) return;
               for (std::string_view reason : kKeyspaceBackoffReasons) {
                 w->Sample({{"target", target}, {"reason", reason}},
                           t.keyspace->backoff_reason == reason ? 1 : 0);
               }
             });
  per_target(kProbeDuration, "Round trip of the INFO request, for successful polls.",
             MetricType::kHistogram, [&](std::string_view target, const TS& t) {
               if (t.polled) t.probe.WriteTo(w, {{"target", target}});
             });
  per_target(kPollErrors, "Failed polls by reason.", MetricType::kCounter,
             [&](std::string_view target, const TS& t) {
               if (!t.polled) return;
               // Every reason but kNone, in enum order, so each series exists
               // from the first poll (at 0).
               for (size_t i = 1; i < kPollFailureCount; ++i) {
                 w->Sample(
                     {{"target", target}, {"reason", PollFailureName(static_cast<PollFailure>(i))}},
                     static_cast<double>(t.poll_errors[i]));
               }
             });
  per_target(kLastPollSuccess, "Unix time of the last successful poll.", MetricType::kGauge,
             [&](std::string_view target, const TS& t) {
               if (t.last_success_wall) w->Sample({{"target", target}}, *t.last_success_wall);
             });
  family(kPollLag, "How late polls start after they were due, over all targets.",
         MetricType::kHistogram, [&] { lag_.WriteTo(w, {}); });
  if (const NotificationMetrics* n = notifications_.load(); n != nullptr && w->wants_more()) {
    WriteNotificationMetrics(w, n->Snapshot());
  }
}

}  // namespace memwatch::metrics
