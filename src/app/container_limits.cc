#include "app/container_limits.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checks/format.h"
#include "net/url_redaction.h"

namespace memwatch::app {

std::optional<host::RedisProcessQuery> LocalProcessQuery(const Endpoint& endpoint,
                                                         const Snapshot& s) {
  const bool unix_socket = endpoint.kind == Endpoint::Kind::kUnix;
  if (!unix_socket && !net::IsLoopbackHost(endpoint.host)) return std::nullopt;
  if (!s.process_id.has_value() || *s.process_id <= 0) return std::nullopt;
  host::RedisProcessQuery q;
  q.process_id = *s.process_id;
  if (unix_socket) {
    q.unix_socket = endpoint.path;
  } else {
    // Redis's own port, which differs from ours behind a container's port
    // mapping; the address's port when INFO does not say or Redis listens
    // only on a TLS port (tcp_port:0).
    const int64_t inner = s.tcp_port.value_or(0);
    q.tcp_port = inner > 0 ? inner : endpoint.port;
  }
  return q;
}

Result<host::ContainerLimit> LookUpContainerLimit(const host::HostPaths& paths,
                                                  const Endpoint& endpoint, const Snapshot& s) {
  const std::optional<host::RedisProcessQuery> query = LocalProcessQuery(endpoint, s);
  if (!query.has_value()) {
    return Status::Error(
        s.process_id.has_value()
            ? "Redis is not on this host (neither loopback nor a unix socket): its container's "
              "limit cannot be read from here; set memory_limit for this target"
            : "INFO gives no process_id: the container's limit cannot be found; set "
              "memory_limit for this target");
  }
  return host::FindContainerLimit(paths, *query);
}

std::string DescribeContainerLimit(const host::ContainerLimit& limit) {
  const std::string where = fmt::format("cgroup v{}, pid {}", limit.cgroup_version, limit.pid);
  if (!limit.bytes.has_value()) return fmt::format("no memory limit in its cgroup ({})", where);
  return fmt::format("{} from {} ({})", checks::FormatBytes(*limit.bytes), limit.file, where);
}

std::optional<int64_t> ContainerLimits::Get(const std::string& name, const Endpoint& endpoint,
                                            const Snapshot& s, MonoTime now) {
  auto [it, added] = entries_.try_emplace(name);
  Entry& e = it->second;
  if (added || e.run_id != s.run_id || now - e.checked >= kRecheck) {
    e.run_id = s.run_id;
    e.checked = now;
    LookUp(name, endpoint, s, &e);
  }
  return e.bytes;
}

void ContainerLimits::LookUp(const std::string& name, const Endpoint& endpoint, const Snapshot& s,
                             Entry* e) {
  // Targets on other hosts are the common case: nothing to say about them.
  if (!LocalProcessQuery(endpoint, s).has_value()) {
    e->bytes.reset();
    return;
  }
  const Result<host::ContainerLimit> found = LookUpContainerLimit(paths_, endpoint, s);
  std::string outcome;
  if (found.ok()) {
    e->bytes = found.value().bytes;
    outcome = "container memory limit: " + DescribeContainerLimit(found.value());
  } else {
    e->bytes.reset();
    outcome = "container memory limit unknown: " + found.status().message();
  }
  if (outcome == e->logged) return;
  e->logged = outcome;
  if (found.ok()) {
    spdlog::info("{}: {}", name, outcome);
  } else {
    spdlog::warn("{}: {}", name, outcome);
  }
}

void ContainerLimits::Retain(const std::vector<std::string>& names) {
  std::erase_if(entries_, [&](const auto& entry) {
    return std::find(names.begin(), names.end(), entry.first) == names.end();
  });
}

}  // namespace memwatch::app
