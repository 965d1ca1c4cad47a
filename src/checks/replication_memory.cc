#include "checks/replication_memory.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "checks/format.h"
#include "memwatch/saturating.h"

namespace memwatch::checks {

std::optional<ReplicationMemory> MeasureReplication(const Snapshot& s) {
  if (!s.mem_total_replication_buffers.has_value() && !s.mem_clients_slaves.has_value() &&
      !s.mem_replication_backlog.has_value()) {
    return std::nullopt;
  }
  ReplicationMemory m;
  m.replicas = s.mem_clients_slaves.value_or(0);
  m.backlog = s.mem_replication_backlog.value_or(0);
  m.total = s.mem_total_replication_buffers.value_or(SaturatingAdd(m.replicas, m.backlog));
  return m;
}

std::vector<ReplicaBehind> RankReplicas(const Snapshot& s) {
  std::vector<ReplicaBehind> out;
  out.reserve(s.replicas.size());
  for (const auto& [name, link] : s.replicas) {
    ReplicaBehind r{&link, std::nullopt};
    if (s.master_repl_offset.has_value() && link.offset.has_value()) {
      r.bytes = std::max<int64_t>(0, *s.master_repl_offset - *link.offset);
    }
    out.push_back(r);
  }
  // std::map order (slave0, slave1, ...) breaks ties; stable_sort keeps it.
  std::stable_sort(out.begin(), out.end(), [](const ReplicaBehind& a, const ReplicaBehind& b) {
    return std::make_tuple(a.bytes.value_or(-1), a.link->lag.value_or(-1)) >
           std::make_tuple(b.bytes.value_or(-1), b.link->lag.value_or(-1));
  });
  return out;
}

std::string DescribeReplica(const ReplicaBehind& r) {
  const ReplicaLink& link = *r.link;
  const bool ipv6 = link.ip.find(':') != std::string::npos;
  std::string out =
      ipv6 ? fmt::format("[{}]:{}", link.ip, link.port) : fmt::format("{}:{}", link.ip, link.port);
  std::vector<std::string> facts;
  if (link.lag.has_value()) {
    facts.push_back(fmt::format("lag {}", FormatDuration(static_cast<double>(*link.lag))));
  }
  if (r.bytes.has_value()) facts.push_back(fmt::format("{} behind", FormatBytes(*r.bytes)));
  if (link.state.has_value()) facts.push_back(*link.state);
  if (facts.empty()) return out;
  return fmt::format("{} ({})", out, fmt::join(facts, ", "));
}

}  // namespace memwatch::checks
