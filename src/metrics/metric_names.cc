#include "metrics/metric_names.h"

#include <array>

namespace memwatch::metrics {

std::span<const std::string_view> AllMetricNames() {
  static constexpr std::array kAll{
      kRedisUp,
      kMemoryUsed,
      kMemoryUsedRss,
      kMemoryUsedPeak,
      kMemoryMax,
      kTotalSystemMemory,
      kMemFragmentationRatio,
      kMemFragmentationBytes,
      kAllocatorFragRatio,
      kAllocatorFragBytes,
      kConnectedClients,
      kBlockedClients,
      kEvictedKeys,
      kExpiredKeys,
      kKeyspaceHits,
      kKeyspaceMisses,
      kCommandsProcessed,
      kRejectedConnections,
      kErrors,
      kDbKeys,
      kDbKeysExpiring,
      kUptime,
      kRdbLastBgsaveStatus,
      kAofLastWriteStatus,
      kFinding,
      kGroupFinding,
      kProbeDuration,
      kPollErrors,
      kPollLag,
      kMemoryLimit,
      kMemoryUsedRatio,
      kTimeToFull,
      kTlsCertificateExpiry,
      kTlsInsecureSkipVerify,
      kKeysWithoutTtl,
      kLastPollSuccess,
      kBuildInfo,
      kReloadSuccessful,
      kReloadSuccessTimestamp,
      kTargetInfo,
      kTargetsFileLastReadSuccessful,
      kTargetsFileLastReadTimestamp,
      kKeyspacePrefixKeys,
      kKeyspacePrefixKeysWithoutTtl,
      kKeyspacePrefixBytes,
      kKeyspaceSampledKeys,
      kKeyspaceCycleSeconds,
      kKeyspaceRedisSeconds,
      kKeyspaceBackoff,
      kNotifications,
      kNotificationQueueLength,
      kNotificationLatency,
  };
  return kAll;
}

}  // namespace memwatch::metrics
