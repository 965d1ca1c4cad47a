#include "metrics/metrics_store.h"

#include <cmath>
#include <limits>

#include <prometheus/text_serializer.h>

#include "checks/check_spec.h"
#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

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
      {kMemoryUsed, MetricType::Gauge, "Bytes allocated by Redis (used_memory).",
       [](const Snapshot& s) { return D(s.used_memory); }},
      {kMemoryUsedRss, MetricType::Gauge, "Resident set size of Redis (used_memory_rss).",
       [](const Snapshot& s) { return D(s.used_memory_rss); }},
      {kMemoryUsedPeak, MetricType::Gauge, "Peak of used_memory.",
       [](const Snapshot& s) { return D(s.used_memory_peak); }},
      {kMemoryMax, MetricType::Gauge, "maxmemory setting; 0 means no limit.",
       [](const Snapshot& s) { return D(s.maxmemory); }},
      {kTotalSystemMemory, MetricType::Gauge,
       "RAM of the host Redis runs on (not the container's limit).",
       [](const Snapshot& s) { return D(s.total_system_memory); }},
      {kMemFragmentationRatio, MetricType::Gauge, "used_memory_rss / used_memory.",
       [](const Snapshot& s) { return D(s.mem_fragmentation_ratio); }},
      {kMemFragmentationBytes, MetricType::Gauge, "used_memory_rss - used_memory.",
       [](const Snapshot& s) { return D(s.mem_fragmentation_bytes); }},
      {kAllocatorFragRatio, MetricType::Gauge, "Allocator fragmentation ratio (jemalloc).",
       [](const Snapshot& s) { return D(s.allocator_frag_ratio); }},
      {kAllocatorFragBytes, MetricType::Gauge, "Bytes wasted by allocator fragmentation.",
       [](const Snapshot& s) { return D(s.allocator_frag_bytes); }},
      {kConnectedClients, MetricType::Gauge, "Client connections.",
       [](const Snapshot& s) { return D(s.connected_clients); }},
      {kBlockedClients, MetricType::Gauge, "Clients in a blocking call.",
       [](const Snapshot& s) { return D(s.blocked_clients); }},
      {kEvictedKeys, MetricType::Counter, "Keys evicted because of maxmemory.",
       [](const Snapshot& s) { return D(s.evicted_keys); }},
      {kExpiredKeys, MetricType::Counter, "Keys removed because their TTL expired.",
       [](const Snapshot& s) { return D(s.expired_keys); }},
      {kKeyspaceHits, MetricType::Counter, "Successful key lookups.",
       [](const Snapshot& s) { return D(s.keyspace_hits); }},
      {kKeyspaceMisses, MetricType::Counter, "Failed key lookups.",
       [](const Snapshot& s) { return D(s.keyspace_misses); }},
      {kCommandsProcessed, MetricType::Counter, "Commands processed by the server.",
       [](const Snapshot& s) { return D(s.total_commands_processed); }},
      {kRejectedConnections, MetricType::Counter, "Connections rejected (maxclients).",
       [](const Snapshot& s) { return D(s.rejected_connections); }},
      {kUptime, MetricType::Gauge, "Seconds since the Redis server started.",
       [](const Snapshot& s) { return D(s.uptime_in_seconds); }},
      {kRdbLastBgsaveStatus, MetricType::Gauge, "1 if the last RDB save succeeded.",
       [](const Snapshot& s) { return D(s.rdb_last_bgsave_ok); }},
      {kAofLastWriteStatus, MetricType::Gauge, "1 if the last AOF write succeeded.",
       [](const Snapshot& s) { return D(s.aof_last_write_ok); }},
      {kKeysWithoutTtl, MetricType::Gauge, "Keys without a TTL, summed over databases.",
       [](const Snapshot& s) -> std::optional<double> {
         if (!s.has_keyspace_section) return std::nullopt;
         return static_cast<double>(s.TotalKeys() - s.TotalExpires());
       }},
  };
  return kValues;
}

ClientMetric Metric(std::vector<ClientMetric::Label> labels, MetricType type, double v) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Counter) {
    m.counter.value = v;
  } else {
    m.gauge.value = v;
  }
  return m;
}

constexpr std::array<checks::PollFailure, 8> kFailures{
    checks::PollFailure::kRefused,       checks::PollFailure::kTimeout,
    checks::PollFailure::kAuth,          checks::PollFailure::kProtocol,
    checks::PollFailure::kReplyTooLarge, checks::PollFailure::kServerError,
    checks::PollFailure::kClosed,        checks::PollFailure::kResolve,
};

}  // namespace

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < kLatencyBuckets.size() && v > kLatencyBuckets[i]) ++i;
  if (i < kLatencyBuckets.size()) ++counts_[i];
  ++count_;
  sum_ += v;
}

void Histogram::AppendTo(ClientMetric* m) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += counts_[i];
    m->histogram.bucket.push_back({cumulative, kLatencyBuckets[i]});
  }
  m->histogram.bucket.push_back({count_, std::numeric_limits<double>::infinity()});
  m->histogram.sample_count = count_;
  m->histogram.sample_sum = sum_;
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
  t.up = u.failure == checks::PollFailure::kNone;
  if (t.up) {
    t.snapshot = std::move(u.snapshot);
    t.probe.Observe(u.probe_seconds);
    t.last_success_wall = u.wall_seconds;
    t.limit = u.limit;
    t.time_to_full_seconds = u.time_to_full_seconds;
  } else {
    // Stale numbers mislead: a down target exports redis_up 0, its findings
    // and our own counters, but no raw Redis values.
    t.snapshot.reset();
    ++t.poll_errors[static_cast<size_t>(u.failure)];
  }
  t.findings = std::move(u.findings);
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

void MetricsStore::ForEachFamily(
    const std::function<void(const prometheus::MetricFamily&)>& sink) const {
  auto emit = [&](std::string_view name, std::string_view help, MetricType type, auto&& fill) {
    MetricFamily f{std::string(name), std::string(help), type, {}};
    {
      std::lock_guard lock(mu_);
      fill(f.metric);
    }
    if (!f.metric.empty()) sink(f);
  };
  auto target_label = [](const std::string& name) {
    return std::vector<ClientMetric::Label>{{"target", name}};
  };

  emit(kBuildInfo, "Version of redis-memwatch; always 1.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         out.push_back(Metric({{"version", version_}}, MetricType::Gauge, 1));
       });
  emit(kReloadSuccessful, "1 if the last configuration (re)load succeeded.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         out.push_back(Metric({}, MetricType::Gauge, reload_ok_));
       });
  emit(kReloadSuccessTimestamp, "Unix time of the last successful configuration load.",
       MetricType::Gauge, [&](std::vector<ClientMetric>& out) {
         out.push_back(Metric({}, MetricType::Gauge, reload_success_wall_));
       });
  emit(kRedisUp, "1 if the last poll of the target succeeded.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (t.polled) out.push_back(Metric(target_label(name), MetricType::Gauge, t.up));
         }
       });
  for (const SnapshotValue& v : SnapshotValues()) {
    emit(v.name, v.help, v.type, [&](std::vector<ClientMetric>& out) {
      for (const auto& [name, t] : targets_) {
        if (!t.snapshot) continue;
        if (std::optional<double> x = v.get(*t.snapshot)) {
          out.push_back(Metric(target_label(name), v.type, *x));
        }
      }
    });
  }
  emit(kErrors, "Error replies by error prefix (INFO errorstats).", MetricType::Counter,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.snapshot) continue;
           for (const auto& [err, count] : t.snapshot->errorstats) {
             out.push_back(Metric({{"target", name}, {"err", err}}, MetricType::Counter,
                                  static_cast<double>(count)));
           }
           // The OOM series exists from the first poll (at 0), so increase()
           // in rules and panels counts the very first rejected write too.
           if (t.snapshot->has_errorstats_section && !t.snapshot->errorstats.contains("OOM")) {
             out.push_back(Metric({{"target", name}, {"err", "OOM"}}, MetricType::Counter, 0));
           }
         }
       });
  emit(kDbKeys, "Keys in the database.", MetricType::Gauge, [&](std::vector<ClientMetric>& out) {
    for (const auto& [name, t] : targets_) {
      if (!t.snapshot) continue;
      for (const auto& [db, ks] : t.snapshot->keyspace) {
        out.push_back(Metric({{"target", name}, {"db", db}}, MetricType::Gauge,
                             static_cast<double>(ks.keys)));
      }
    }
  });
  emit(kDbKeysExpiring, "Keys with a TTL in the database.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.snapshot) continue;
           for (const auto& [db, ks] : t.snapshot->keyspace) {
             out.push_back(Metric({{"target", name}, {"db", db}}, MetricType::Gauge,
                                  static_cast<double>(ks.expires)));
           }
         }
       });
  emit(kMemoryLimit,
       "The limit memory use is measured against: maxmemory, else the configured "
       "memory_limit, else the host's RAM. Never 0.",
       MetricType::Gauge, [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.snapshot || !t.limit) continue;
           out.push_back(Metric({{"target", name}, {"source", std::string(t.limit->source)}},
                                MetricType::Gauge, static_cast<double>(t.limit->bytes)));
         }
       });
  emit(kMemoryUsedRatio, "used_memory / the effective memory limit.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.snapshot || !t.limit || !t.snapshot->used_memory || t.limit->bytes <= 0) {
             continue;
           }
           out.push_back(Metric(target_label(name), MetricType::Gauge,
                                static_cast<double>(*t.snapshot->used_memory) /
                                    static_cast<double>(t.limit->bytes)));
         }
       });
  emit(kTimeToFull,
       "Seconds until used memory reaches the effective limit at the current trend; "
       "+Inf when not growing.",
       MetricType::Gauge, [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.snapshot || !t.time_to_full_seconds) continue;
           out.push_back(Metric(target_label(name), MetricType::Gauge, *t.time_to_full_seconds));
         }
       });
  emit(kFinding,
       "1 while the check's finding is active at this severity, else 0. Every check has "
       "a series per target and severity it can raise.",
       MetricType::Gauge, [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.polled) continue;
           for (const checks::CheckSpec& c : checks::AllChecks()) {
             for (Severity sev : c.severities) {
               bool active = false;
               for (const Finding& f : t.findings) {
                 active = active || (f.check == c.name && f.severity == sev);
               }
               out.push_back(Metric({{"target", name},
                                     {"check", std::string(c.name)},
                                     {"severity", std::string(SeverityName(sev))}},
                                    MetricType::Gauge, active));
             }
           }
         }
       });
  emit(kProbeDuration, "Round trip of the INFO request, for successful polls.",
       MetricType::Histogram, [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.polled) continue;
           ClientMetric m;
           m.label = target_label(name);
           t.probe.AppendTo(&m);
           out.push_back(std::move(m));
         }
       });
  emit(kPollErrors, "Failed polls by reason.", MetricType::Counter,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (!t.polled) continue;
           for (checks::PollFailure f : kFailures) {
             out.push_back(Metric(
                 {{"target", name}, {"reason", std::string(checks::PollFailureName(f))}},
                 MetricType::Counter, static_cast<double>(t.poll_errors[static_cast<size_t>(f)])));
           }
         }
       });
  emit(kLastPollSuccess, "Unix time of the last successful poll.", MetricType::Gauge,
       [&](std::vector<ClientMetric>& out) {
         for (const auto& [name, t] : targets_) {
           if (t.last_success_wall) {
             out.push_back(Metric(target_label(name), MetricType::Gauge, *t.last_success_wall));
           }
         }
       });
  emit(kPollLag, "How late polls start after they were due, over all targets.",
       MetricType::Histogram, [&](std::vector<ClientMetric>& out) {
         ClientMetric m;
         lag_.AppendTo(&m);
         out.push_back(std::move(m));
       });
}

void MetricsStore::WriteText(std::ostream& out) const {
  prometheus::TextSerializer serializer;
  std::vector<MetricFamily> one(1);
  ForEachFamily([&](const MetricFamily& f) {
    one[0] = f;
    serializer.Serialize(out, one);
  });
}

std::vector<MetricFamily> MetricsStore::Collect() const {
  std::vector<MetricFamily> all;
  ForEachFamily([&](const MetricFamily& f) { all.push_back(f); });
  return all;
}

}  // namespace memwatch::metrics
