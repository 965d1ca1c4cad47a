// Every metric name redis-memwatch exports, declared once. The rules in
// rules/, the dashboard in grafana/ and the docs are tested against this list
// (AllMetricNames), so a rename cannot silently break a panel or an alert.
// Names shared with oliver006/redis_exporter keep its spelling and meaning so
// existing dashboards keep working.
#pragma once

#include <span>
#include <string_view>

namespace memwatch::metrics {

// Raw Redis values, named as redis_exporter names them.
inline constexpr std::string_view kRedisUp = "redis_up";
inline constexpr std::string_view kMemoryUsed = "redis_memory_used_bytes";
inline constexpr std::string_view kMemoryUsedRss = "redis_memory_used_rss_bytes";
inline constexpr std::string_view kMemoryUsedPeak = "redis_memory_used_peak_bytes";
inline constexpr std::string_view kMemoryMax = "redis_memory_max_bytes";
inline constexpr std::string_view kTotalSystemMemory = "redis_total_system_memory_bytes";
inline constexpr std::string_view kMemFragmentationRatio = "redis_mem_fragmentation_ratio";
inline constexpr std::string_view kMemFragmentationBytes = "redis_mem_fragmentation_bytes";
inline constexpr std::string_view kAllocatorFragRatio = "redis_allocator_frag_ratio";
inline constexpr std::string_view kAllocatorFragBytes = "redis_allocator_frag_bytes";
inline constexpr std::string_view kConnectedClients = "redis_connected_clients";
inline constexpr std::string_view kBlockedClients = "redis_blocked_clients";
inline constexpr std::string_view kEvictedKeys = "redis_evicted_keys_total";
inline constexpr std::string_view kExpiredKeys = "redis_expired_keys_total";
inline constexpr std::string_view kKeyspaceHits = "redis_keyspace_hits_total";
inline constexpr std::string_view kKeyspaceMisses = "redis_keyspace_misses_total";
inline constexpr std::string_view kCommandsProcessed = "redis_commands_processed_total";
inline constexpr std::string_view kRejectedConnections = "redis_rejected_connections_total";
inline constexpr std::string_view kErrors = "redis_errors_total";              // {err}
inline constexpr std::string_view kDbKeys = "redis_db_keys";                   // {db}
inline constexpr std::string_view kDbKeysExpiring = "redis_db_keys_expiring";  // {db}
inline constexpr std::string_view kUptime = "redis_uptime_in_seconds";
inline constexpr std::string_view kRdbLastBgsaveStatus = "redis_rdb_last_bgsave_status";
inline constexpr std::string_view kAofLastWriteStatus = "redis_aof_last_write_status";

// Our own.
inline constexpr std::string_view kFinding = "redis_memwatch_finding";  // {check,severity}
// A Sentinel group's or a cluster's own findings (from its discovery).
inline constexpr std::string_view kGroupFinding =
    "redis_memwatch_group_finding";  // {group,check,severity}
inline constexpr std::string_view kProbeDuration = "redis_memwatch_probe_duration_seconds";
inline constexpr std::string_view kPollErrors = "redis_memwatch_poll_errors_total";  // {reason}
inline constexpr std::string_view kPollLag = "redis_memwatch_poll_lag_seconds";
inline constexpr std::string_view kMemoryLimit = "redis_memwatch_memory_limit_bytes";  // {source}
inline constexpr std::string_view kMemoryUsedRatio = "redis_memwatch_memory_used_ratio";
inline constexpr std::string_view kTimeToFull = "redis_memwatch_time_to_full_seconds";
inline constexpr std::string_view kTlsCertificateExpiry =
    "redis_memwatch_tls_certificate_expiry_timestamp_seconds";
inline constexpr std::string_view kTlsInsecureSkipVerify =
    "redis_memwatch_tls_insecure_skip_verify";
inline constexpr std::string_view kKeysWithoutTtl = "redis_memwatch_keys_without_ttl";
inline constexpr std::string_view kLastPollSuccess =
    "redis_memwatch_last_successful_poll_timestamp_seconds";
inline constexpr std::string_view kBuildInfo = "redis_memwatch_build_info";  // {version}
inline constexpr std::string_view kReloadSuccessful =
    "redis_memwatch_config_last_reload_successful";
inline constexpr std::string_view kReloadSuccessTimestamp =
    "redis_memwatch_config_last_reload_success_timestamp_seconds";
// Where each target comes from and which daemon watches it (docs/fleet.md).
inline constexpr std::string_view kTargetInfo =
    "redis_memwatch_target_info";  // {target,group,role,shard,discovered_by}
inline constexpr std::string_view kTargetsFileLastReadSuccessful =
    "redis_memwatch_targets_file_last_read_successful";  // {file}
inline constexpr std::string_view kTargetsFileLastReadTimestamp =
    "redis_memwatch_targets_file_last_read_timestamp_seconds";  // {file}
// Continuous keyspace sampling, per target (docs/prometheus.md).
inline constexpr std::string_view kKeyspacePrefixKeys =
    "redis_memwatch_keyspace_prefix_keys";  // {prefix}
inline constexpr std::string_view kKeyspacePrefixKeysWithoutTtl =
    "redis_memwatch_keyspace_prefix_keys_without_ttl";  // {prefix}
inline constexpr std::string_view kKeyspacePrefixBytes =
    "redis_memwatch_keyspace_prefix_bytes";  // {prefix}
inline constexpr std::string_view kKeyspaceSampledKeys =
    "redis_memwatch_keyspace_sampled_keys_total";
inline constexpr std::string_view kKeyspaceCycleSeconds = "redis_memwatch_keyspace_cycle_seconds";
inline constexpr std::string_view kKeyspaceRedisSeconds =
    "redis_memwatch_keyspace_redis_seconds_total";
inline constexpr std::string_view kKeyspaceBackoff = "redis_memwatch_keyspace_backoff";  // {reason}
// Alert delivery, per receiver (docs/alerting.md).
inline constexpr std::string_view kNotifications =
    "redis_memwatch_notifications_total";  // {receiver,result}
inline constexpr std::string_view kNotificationQueueLength =
    "redis_memwatch_notification_queue_length";  // {receiver}
inline constexpr std::string_view kNotificationLatency =
    "redis_memwatch_notification_latency_seconds";  // {receiver}, histogram

// All of the above, for tests of rules, dashboard and docs. Histogram names
// appear here without their _bucket/_sum/_count suffixes.
std::span<const std::string_view> AllMetricNames();

}  // namespace memwatch::metrics
