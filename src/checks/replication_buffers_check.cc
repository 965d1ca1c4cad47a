// replication_buffers: memory that replication holds takes a large share of
// maxmemory on a primary. Redis >= 7 keeps one buffer shared by the backlog
// and every replica (mem_total_replication_buffers; mem_clients_slaves is its
// part beyond repl-backlog-size); before 7 each replica has its own output
// buffer (their sum: mem_clients_slaves) beside the backlog
// (mem_replication_backlog). A replica that is paused, overloaded or cut off
// stops acknowledging, and the primary keeps everything it has not sent.
//
// Why it matters (redis/redis src/evict.c, freeMemoryGetNotCountedMemory,
// and src/object.c, getMemoryOverheadData): the replicas' part counts in
// used_memory and in the process's size but not against maxmemory
// (mem_not_counted_for_evict), so the primary grows past maxmemory towards
// what its container or host allows, while memory_high already sees it as
// used. Only client-output-buffer-limit ends it, by dropping the replica,
// which then needs a full resync (a fork, and buffers again).
//
// The share is of maxmemory, on a primary with maxmemory > 0: replicas
// ignore maxmemory by default, and without maxmemory memory_high and
// maxmemory_unset already speak. Hysteresis as memory_high: a finding clears
// only clear_margin below its threshold.
#include <algorithm>

#include <fmt/format.h>

#include "checks/check.h"
#include "checks/fix_advice.h"
#include "checks/format.h"
#include "checks/hysteresis.h"
#include "checks/replication_memory.h"
#include "memwatch/units.h"

namespace memwatch::checks {
namespace {

constexpr size_t kReplicasNamed = 3;
// Redis's own default, `client-output-buffer-limit replica 256mb 64mb 60`:
// the limits suggested never exceed it (on a large maxmemory the check fires
// only when the limit was raised or switched off).
constexpr int64_t kDefaultHardLimit = 256 * kMiB;
constexpr int64_t kDefaultSoftLimit = 64 * kMiB;
constexpr int kSoftLimitSeconds = 60;

// Whole MiB, at least 1 MiB: sizes people type into redis.conf.
int64_t WholeMiB(double bytes) {
  return std::max<int64_t>(kMiB, static_cast<int64_t>(bytes / kMiB) * kMiB);
}

// "127.0.0.1:6380 (lag 42 s, 18 MiB behind, online), ...", at most
// kReplicasNamed and a count of the others.
std::string NameReplicas(const std::vector<ReplicaBehind>& replicas) {
  std::string out;
  for (size_t i = 0; i < replicas.size() && i < kReplicasNamed; ++i) {
    if (i > 0) out += ", ";
    out += DescribeReplica(replicas[i]);
  }
  if (replicas.size() > kReplicasNamed) {
    out += fmt::format(" and {} more", replicas.size() - kReplicasNamed);
  }
  return out;
}

class ReplicationBuffersCheck final : public Check {
 public:
  ReplicationBuffersCheck() : Check("replication_buffers") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    const Snapshot& s = *ctx.snapshot;
    const std::optional<ReplicationMemory> mem = MeasureReplication(s);
    const int64_t maxmemory = s.maxmemory.value_or(0);
    if (s.role != "master" || maxmemory <= 0 || !mem.has_value()) {
      level_.reset();
      return std::nullopt;
    }
    const double share = static_cast<double>(mem->total) / static_cast<double>(maxmemory);
    const double warning = Param(ctx, "warning");
    const double critical = Param(ctx, "critical");
    const double margin = Param(ctx, "clear_margin");
    level_ = NextLevel(level_, LevelAtLeast(share, warning, critical),
                       LevelAtLeast(share, warning - margin, critical - margin));
    if (!level_.has_value()) return std::nullopt;

    const std::vector<ReplicaBehind> replicas = RankReplicas(s);
    std::vector<Evidence> evidence{
        {"replication buffers", fmt::format("{} ({} of maxmemory {})", FormatBytes(mem->total),
                                            FormatPercent(share), FormatBytes(maxmemory))},
    };
    AddFieldEvidence(s, &evidence);
    if (!replicas.empty()) evidence.push_back({"replicas", NameReplicas(replicas)});
    evidence.push_back({"thresholds", fmt::format("warning {}, critical {}, clears {} lower",
                                                  FormatPercent(warning), FormatPercent(critical),
                                                  FormatPercent(margin))});
    return MakeFinding(*level_, Summary(*mem, share, maxmemory, replicas), std::move(evidence),
                       Fix(ctx, *mem, replicas));
  }

  void Reset() override { level_.reset(); }

 private:
  static void AddFieldEvidence(const Snapshot& s, std::vector<Evidence>* evidence) {
    const std::pair<const char*, const std::optional<int64_t>*> fields[] = {
        {"mem_clients_slaves", &s.mem_clients_slaves},
        {"mem_replication_backlog", &s.mem_replication_backlog},
        {"mem_not_counted_for_evict", &s.mem_not_counted_for_evict},
    };
    for (const auto& [name, value] : fields) {
      if (value->has_value()) evidence->push_back({name, FormatBytes(**value)});
    }
  }

  static std::string Summary(const ReplicationMemory& mem, double share, int64_t maxmemory,
                             const std::vector<ReplicaBehind>& replicas) {
    std::string summary =
        fmt::format("Replication buffers hold {}, {} of maxmemory {}", FormatBytes(mem.total),
                    FormatPercent(share), FormatBytes(maxmemory));
    if (!mem.MostlyReplicas()) {
      return summary +
             ", most of it the replication backlog (repl-backlog-size), which counts against "
             "maxmemory and leaves that much less room for data";
    }
    summary += replicas.empty() ? std::string(", held for replicas that fell behind")
                                : ", held for the replica " + DescribeReplica(replicas.front());
    return summary +
           ": this memory counts in used_memory and the process's size but not against "
           "maxmemory, so Redis can grow past maxmemory until the primary drops the replica "
           "(client-output-buffer-limit) and the replica needs a full resync";
  }

  std::string Fix(const CheckContext& ctx, const ReplicationMemory& mem,
                  const std::vector<ReplicaBehind>& replicas) const {
    const Snapshot& s = *ctx.snapshot;
    const auto maxmemory = static_cast<double>(*s.maxmemory);
    if (!mem.MostlyReplicas()) {
      const ConfigChange change =
          SizeChange("repl-backlog-size", WholeMiB(maxmemory * Param(ctx, "warning") / 2));
      return "The backlog only needs to hold the writes of the longest replica disconnection "
             "that should end without a full resync (write rate x seconds); make it smaller:\n" +
             RenderConfigFix(std::span(&change, 1), s, ctx.provider);
    }
    std::string fix =
        "Check the replica first: is it paused, overloaded, or on a slow or broken "
        "network? ";
    if (!replicas.empty()) {
      const ReplicaLink& r = *replicas.front().link;
      fix += fmt::format(
          "redis-cli -h {} -p {} INFO replication (master_link_status, "
          "master_last_io_seconds_ago), and the CPU, memory and network of its host. ",
          r.ip, r.port);
    }
    const int64_t hard = std::min(kDefaultHardLimit, WholeMiB(maxmemory * Param(ctx, "warning")));
    const int64_t soft = std::min(kDefaultSoftLimit, WholeMiB(static_cast<double>(hard) / 2));
    const ConfigChange limit{
        "client-output-buffer-limit",
        fmt::format("replica {} {} {}", RedisSizeArg(hard), RedisSizeArg(soft), kSoftLimitSeconds)};
    return fix +
           "Restart or replace a replica that cannot keep up.\nThen cap what the primary keeps "
           "for one replica: it drops a replica whose buffer passes the hard limit, or stays "
           "above the soft one for the given seconds (Redis's default: replica 256mb 64mb 60). A "
           "dropped replica resyncs in full, which buffers the writes made meanwhile, so keep the "
           "limit above what a full sync takes on this primary:\n" +
           RenderConfigFix(std::span(&limit, 1), s, ctx.provider);
  }

  Level level_;
};

}  // namespace

std::unique_ptr<Check> NewReplicationBuffersCheck() {
  return std::make_unique<ReplicationBuffersCheck>();
}

}  // namespace memwatch::checks
