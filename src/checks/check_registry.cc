#include "checks/check_registry.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <memory>
#include <vector>

#include "checks/check.h"
#include "memwatch/units.h"

namespace memwatch::checks {

// The factories, each defined in its check's file (memory_high_check.cc, ...);
// declared here beside the table, so a missing one fails to link.
std::unique_ptr<Check> NewMaxmemoryUnsetCheck();
std::unique_ptr<Check> NewNoevictionCheck();
std::unique_ptr<Check> NewMemoryHighCheck();
std::unique_ptr<Check> NewMemoryHeadroomCheck();
std::unique_ptr<Check> NewEvictionIneffectiveCheck();
std::unique_ptr<Check> NewEvictingCheck();
std::unique_ptr<Check> NewOomRejectionsCheck();
std::unique_ptr<Check> NewCommandTimeoutsCheck();
std::unique_ptr<Check> NewTimeToFullCheck();
std::unique_ptr<Check> NewNoTtlGrowthCheck();
std::unique_ptr<Check> NewProtectedKeysEvictableCheck();
std::unique_ptr<Check> NewProtectedKeyEvictedCheck();
std::unique_ptr<Check> NewFragmentationCheck();
std::unique_ptr<Check> NewReplicationBuffersCheck();
std::unique_ptr<Check> NewPersistenceFailingCheck();
std::unique_ptr<Check> NewTlsCertificateExpiringCheck();
std::unique_ptr<Check> NewTargetDownCheck();

namespace {

constexpr std::array kWarnCrit{Severity::kWarning, Severity::kCritical};
constexpr std::array kWarn{Severity::kWarning};
constexpr std::array kCrit{Severity::kCritical};
constexpr std::array kInfoWarn{Severity::kInfo, Severity::kWarning};

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr double kDay = 24 * kHour;

// Why the defaults are what they are. Shares are of the effective limit
// (maxmemory, else memory_limit, else total_system_memory).

// 80%: without maxmemory the next burst, fork or buffer spike past the limit
// is a kill, not a refused write, so escalate while there is still time.
constexpr std::array<ParamSpec, 1> kUnsetParams{{
    {"critical_used", ParamKind::kPercent, 0.80,
     "used memory share of the effective limit above which it is critical"},
}};
// 80%: the same margin as maxmemory_unset: at 100% every write fails.
constexpr std::array<ParamSpec, 1> kNoevictionParams{{
    {"critical_used", ParamKind::kPercent, 0.80,
     "used memory share of the effective limit above which it is critical"},
}};
// 85% / 95%: the usual capacity alerting points; 5 points of hysteresis is
// more than the poll-to-poll noise of used_memory on a busy instance.
constexpr std::array<ParamSpec, 3> kMemoryHighParams{{
    {"warning", ParamKind::kPercent, 0.85, "used share of the effective limit for a warning"},
    {"critical", ParamKind::kPercent, 0.95, "used share of the effective limit for critical"},
    {"clear_margin", ParamKind::kPercent, 0.05,
     "a finding clears only this far below its threshold (hysteresis)"},
}};
// 75% with persistence: a fork under heavy writes can copy a large part of
// the dataset, plus buffers and fragmentation (a measured copy-on-write
// lowers it further, see fix_advice.h). 90% without: buffers and
// fragmentation only. maxmemory_unset sizes its advice with these too.
constexpr std::array<ParamSpec, 2> kHeadroomParams{{
    {"max_share_persistent", ParamKind::kPercent, 0.75,
     "largest safe maxmemory share of the limit when RDB/AOF forks"},
    {"max_share", ParamKind::kPercent, 0.90,
     "largest safe maxmemory share of the limit without persistence"},
}};
// 50%: below it a volatile-* policy can free at most half the keys, and
// in practice evicts the wrong ones; 90%: evictions are imminent.
constexpr std::array<ParamSpec, 2> kEvictionIneffectiveParams{{
    {"min_ttl_share", ParamKind::kPercent, 0.50,
     "under a volatile-* policy, fires when fewer keys than this share carry a TTL"},
    {"critical_used", ParamKind::kPercent, 0.90,
     "critical when used memory is above this share of maxmemory"},
}};
// A cache evicting a few keys is normal (info); 100/s sustained means its
// working set no longer fits. 5 min quiet spans the gaps between bursts.
constexpr std::array<ParamSpec, 2> kEvictingParams{{
    {"warning_rate", ParamKind::kNumber, 100, "evictions per second for a warning"},
    {"quiet", ParamKind::kDuration, 5 * kMinute, "clears after this long without evictions"},
}};
// Every rejected write is lost data: critical at the first one; 5 min
// quiet keeps an intermittent episode as one finding.
constexpr std::array<ParamSpec, 1> kOomParams{{
    {"quiet", ParamKind::kDuration, 5 * kMinute,
     "stays active this long after the last rejected write"},
}};
// 3 timeouts in a row (3 s at 1 s polling) is no longer a blip. 10x the
// p99 and over 100 ms: INFO normally takes well under a millisecond, and
// anything below 100 ms is not felt by clients. blocked_clients 100: job
// queues (Sidekiq, Celery, Resque) keep one BRPOP per worker blocked by
// design, so a low number would fire on healthy queues.
constexpr std::array<ParamSpec, 5> kTimeoutParams{{
    {"critical_after", ParamKind::kNumber, 3, "consecutive timed-out polls for critical"},
    {"latency_factor", ParamKind::kNumber, 10,
     "warning when a probe is this many times slower than the baseline p99"},
    {"min_latency", ParamKind::kDuration, 0.1,
     "probes faster than this never count as a latency spike"},
    {"blocked_clients", ParamKind::kNumber, 100, "warning when blocked_clients reaches this"},
    {"quiet", ParamKind::kDuration, 30, "clears this long after the last slow or failed probe"},
}};
// 1 h to act (warning) and 10 min (critical); a 15 min window forecasts any
// horizon after ~8 min (half of it) yet spans many expiry cycles of typical
// TTLs; faster fills are forecast sooner from recent trends (forecast.h).
constexpr std::array<ParamSpec, 3> kTimeToFullParams{{
    {"warning", ParamKind::kDuration, 1 * kHour, "warn when full within this horizon"},
    {"critical", ParamKind::kDuration, 10 * kMinute, "critical when full within this horizon"},
    {"window", ParamKind::kDuration, 15 * kMinute, "trend window"},
}};
// 30 keys in 15 min (2/min) rising steadily: in a cache every key should
// expire, so any steady growth is a writer that forgot the TTL (the
// incident's job: 6/min). A primary store that legitimately adds permanent
// keys should disable this check for that target.
constexpr std::array<ParamSpec, 2> kNoTtlParams{{
    {"window", ParamKind::kDuration, 15 * kMinute, "trend window"},
    {"min_keys", ParamKind::kNumber, 30,
     "fires when keys without TTL grew at least this much over the window"},
}};
// 10 min: evictions come in bursts while memory stays at maxmemory; one
// episode should be one alert, and a new one after a quiet spell another.
constexpr std::array<ParamSpec, 1> kProtectedEvictedParams{{
    {"hold", ParamKind::kDuration, 10 * kMinute,
     "stays active this long after the last eviction of a protected key"},
}};
// 1.5 and 100 MiB: both, since small instances show high ratios from fixed
// overhead while wasting nothing that matters.
constexpr std::array<ParamSpec, 2> kFragmentationParams{{
    {"ratio", ParamKind::kNumber, 1.5, "allocator fragmentation ratio"},
    {"bytes", ParamKind::kSize, 100 * kMiB, "and at least this many bytes wasted"},
}};
// 20% / 40% of maxmemory: the backlog's default (1 MiB) is far below, and a
// healthy replica keeps its share near 0, so a fifth of maxmemory held for
// replicas is one that fell behind; at two fifths the process may be 40%
// larger than maxmemory suggests. 5 points of hysteresis, as memory_high.
constexpr std::array<ParamSpec, 3> kReplicationBuffersParams{{
    {"warning", ParamKind::kPercent, 0.20, "replication buffers' share of maxmemory for a warning"},
    {"critical", ParamKind::kPercent, 0.40, "replication buffers' share of maxmemory for critical"},
    {"clear_margin", ParamKind::kPercent, 0.05,
     "a finding clears only this far below its threshold (hysteresis)"},
}};
// 14 days: two working weeks to get a renewal through change control, and
// any automated renewal (certbot, cert-manager renew around 30 days before)
// has already failed by then. 3 days: a weekend away from the outage.
constexpr std::array<ParamSpec, 2> kTlsCertificateParams{{
    {"warning", ParamKind::kDuration, 14 * kDay,
     "warn when the server's certificate expires within this"},
    {"critical", ParamKind::kDuration, 3 * kDay,
     "critical when the server's certificate expires within this"},
}};
// 3 failed polls in a row: one lost reply or a reconnect is not an outage.
constexpr std::array<ParamSpec, 1> kTargetDownParams{{
    {"after", ParamKind::kNumber, 3, "consecutive failed polls before it fires"},
}};

// The registry. Titles are short enough for a phone's lock screen after
// "[CRITICAL] <target>: ".
constexpr CheckSpec kChecks[] = {
    {.name = "maxmemory_unset",
     .title = "no memory limit (maxmemory 0)",
     .help = "maxmemory is 0: Redis grows until the host or container kills it",
     .severities = kWarnCrit,
     .params = kUnsetParams,
     .make = &NewMaxmemoryUnsetCheck},
    {.name = "noeviction",
     .title = "writes will fail at the limit (noeviction)",
     .help = "maxmemory-policy is noeviction: at the limit every write is rejected",
     .severities = kWarnCrit,
     .params = kNoevictionParams,
     .make = &NewNoevictionCheck},
    {.name = "memory_high",
     .title = "memory almost full",
     .help = "used memory is close to the effective limit",
     .severities = kWarnCrit,
     .params = kMemoryHighParams,
     .make = &NewMemoryHighCheck},
    {.name = "memory_headroom",
     .title = "too little memory headroom",
     .help = "maxmemory leaves too little room for fork, buffers and fragmentation",
     .severities = kWarn,
     .params = kHeadroomParams,
     .make = &NewMemoryHeadroomCheck},
    {.name = "eviction_ineffective",
     .title = "eviction cannot free memory",
     .help = "a volatile-* policy while few keys have a TTL evicts almost nothing",
     .severities = kWarnCrit,
     .params = kEvictionIneffectiveParams,
     .make = &NewEvictionIneffectiveCheck},
    {.name = "evicting",
     .title = "evicting keys",
     .help = "keys are being evicted",
     .severities = kInfoWarn,
     .params = kEvictingParams,
     .make = &NewEvictingCheck},
    {.name = "oom_rejections",
     .title = "writes rejected (OOM)",
     .help = "Redis rejected writes with OOM",
     .severities = kCrit,
     .params = kOomParams,
     .make = &NewOomRejectionsCheck},
    {.name = "command_timeouts",
     .title = "commands timing out",
     .help = "requests to the target time out or are far slower than usual",
     .severities = kWarnCrit,
     .params = kTimeoutParams,
     .make = &NewCommandTimeoutsCheck},
    {.name = "time_to_full",
     .title = "memory full soon",
     .help = "at the current trend memory reaches the limit soon",
     .severities = kWarnCrit,
     .params = kTimeToFullParams,
     .make = &NewTimeToFullCheck},
    {.name = "no_ttl_growth",
     .title = "keys without TTL keep growing",
     .help = "keys without TTL grow steadily: something creates keys that never expire",
     .severities = kWarn,
     .params = kNoTtlParams,
     .make = &NewNoTtlGrowthCheck},
    {.name = "protected_keys_evictable",
     .title = "protected keys can be evicted",
     .help = "the eviction policy can evict keys the config marks protected (keyspace.protected)",
     .severities = kWarn,
     .make = &NewProtectedKeysEvictableCheck},
    {.name = "protected_key_evicted",
     .title = "a protected key was evicted",
     .help = "Redis evicted a key the config marks protected (needs eviction keyspace events)",
     .severities = kCrit,
     .params = kProtectedEvictedParams,
     .make = &NewProtectedKeyEvictedCheck},
    {.name = "fragmentation",
     .title = "memory fragmented",
     .help = "allocator fragmentation wastes memory, or Redis is swapping",
     .severities = kWarn,
     .params = kFragmentationParams,
     .make = &NewFragmentationCheck},
    {.name = "replication_buffers",
     .title = "replication buffers fill memory",
     .help = "buffers kept for replicas (or the backlog) take a large share of maxmemory",
     .severities = kWarnCrit,
     .params = kReplicationBuffersParams,
     .make = &NewReplicationBuffersCheck},
    {.name = "persistence_failing",
     .title = "persistence (RDB/AOF) failing",
     .help = "the last background save or AOF write failed",
     .severities = kCrit,
     .make = &NewPersistenceFailingCheck},
    {.name = "tls_certificate_expiring",
     .title = "TLS certificate expiring",
     .help = "the server's TLS certificate expires soon: then every client that verifies it fails",
     .severities = kWarnCrit,
     .params = kTlsCertificateParams,
     .make = &NewTlsCertificateExpiringCheck},
    {.name = "target_down",
     .title = "target unreachable",
     .help = "the target cannot be polled",
     .severities = kCrit,
     .params = kTargetDownParams,
     .make = &NewTargetDownCheck},
};

}  // namespace

std::span<const CheckSpec> AllChecks() { return kChecks; }

const CheckSpec* FindCheck(std::string_view name) {
  for (const CheckSpec& c : kChecks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

constexpr GroupCheckSpec kGroupChecks[] = {
    {"failover", "primary failed over", "sentinel", kWarnCrit},
    {"sentinel_quorum", "sentinels short of quorum", "sentinel", kWarnCrit},
    {"sentinels_disagree", "sentinels disagree on the primary", "sentinel", kWarn},
    {"cluster_state", "cluster failed (cluster_state:fail)", "cluster", kCrit},
    {"cluster_shard_near_limit", "cluster shard near its memory limit", "cluster", kWarn},
    {"cluster_nodes_unreachable", "cluster nodes unreachable", "cluster", kWarn},
};

// tests/ops/rules_test.sh reads this row: these checks are alerted on
// redis_memwatch_group_finding too.
constexpr std::string_view kSentinelDataSetChecks[] = {"time_to_full", "no_ttl_growth"};

}  // namespace

std::span<const GroupCheckSpec> GroupChecks() { return kGroupChecks; }

std::span<const std::string_view> SentinelDataSetChecks() { return kSentinelDataSetChecks; }

bool IsSentinelDataSetCheck(std::string_view check) {
  return std::find(std::begin(kSentinelDataSetChecks), std::end(kSentinelDataSetChecks), check) !=
         std::end(kSentinelDataSetChecks);
}

const GroupCheckSpec* FindGroupCheck(std::string_view name) {
  for (const GroupCheckSpec& c : kGroupChecks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string_view> AlertableCheckNames() {
  std::vector<std::string_view> names;
  for (const CheckSpec& c : AllChecks()) names.push_back(c.name);
  for (const GroupCheckSpec& c : kGroupChecks) names.push_back(c.name);
  return names;
}

bool IsAlertableCheck(std::string_view name) {
  return FindCheck(name) != nullptr || FindGroupCheck(name) != nullptr;
}

const ParamSpec* FindParam(const CheckSpec& check, std::string_view key) {
  for (const ParamSpec& p : check.params) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::vector<std::unique_ptr<Check>> NewAllChecks() {
  std::vector<std::unique_ptr<Check>> checks;
  checks.reserve(std::size(kChecks));
  for (const CheckSpec& spec : kChecks) checks.push_back(spec.make());
  return checks;
}

}  // namespace memwatch::checks
