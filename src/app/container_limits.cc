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
                                                  const Endpoint& endpoint, const Snapshot& s,
                                                  const host::ProcessTable* table) {
  const std::optional<host::RedisProcessQuery> query = LocalProcessQuery(endpoint, s);
  if (!query.has_value()) {
    return Status::Error(
        s.process_id.has_value()
            ? "Redis is not on this host (neither loopback nor a unix socket): its container's "
              "limit cannot be read from here; set memory_limit for this target"
            : "INFO gives no process_id: the container's limit cannot be found; set "
              "memory_limit for this target");
  }
  return host::FindContainerLimit(paths, *query, table);
}

std::string DescribeContainerLimit(const host::ContainerLimit& limit) {
  const std::string where = fmt::format("cgroup v{}, pid {}", limit.cgroup_version, limit.pid);
  if (!limit.bytes.has_value()) return fmt::format("no memory limit in its cgroup ({})", where);
  return fmt::format("{} from {} ({})", checks::FormatBytes(*limit.bytes), limit.file, where);
}

ContainerLimits::~ContainerLimits() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::optional<int64_t> ContainerLimits::Get(const std::string& name, const Endpoint& endpoint,
                                            const Snapshot& s, MonoTime now) {
  // Targets on other hosts are the common case: nothing to look up.
  if (!LocalProcessQuery(endpoint, s).has_value()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto [it, added] = entries_.try_emplace(name);
  Entry& e = it->second;
  const Duration recheck = e.found ? kRecheck : kRecheckNotFound;
  if (!e.queued && (added || e.run_id != s.run_id || now - e.checked >= recheck)) {
    e.run_id = s.run_id;
    e.checked = now;
    e.queued = true;
    Snapshot ids;
    ids.process_id = s.process_id;
    ids.tcp_port = s.tcp_port;
    queue_.push_back({name, endpoint, std::move(ids), now});
    if (!worker_.joinable()) worker_ = std::thread([this] { Work(); });
    cv_.notify_one();
  }
  return e.bytes;
}

void ContainerLimits::Work() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const Request r = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    LookUp(r);
    lock.lock();
  }
}

const host::ProcessTable* ContainerLimits::Table(MonoTime now) {
  if (!table_.has_value() || now - table_at_ >= kProcessTableAge) {
    Result<host::ProcessTable> scanned = host::ScanProcesses(paths_);
    if (!scanned.ok()) return nullptr;  // the lookup scans and says why
    table_ = std::move(scanned).value();
    table_at_ = now;
  }
  return &*table_;
}

void ContainerLimits::LookUp(const Request& r) {
  Result<host::ContainerLimit> found =
      LookUpContainerLimit(paths_, r.endpoint, r.snapshot, Table(r.now));
  if (!found.ok() && table_.has_value() && r.now - table_at_ >= kRescanAfter) {
    table_.reset();
    found = LookUpContainerLimit(paths_, r.endpoint, r.snapshot, Table(r.now));
  }
  const std::string outcome =
      found.ok() ? "container memory limit: " + DescribeContainerLimit(found.value())
                 : "container memory limit unknown: " + found.status().message();
  std::lock_guard lock(mu_);
  auto it = entries_.find(r.name);
  if (it == entries_.end()) return;  // removed by a reload meanwhile
  Entry& e = it->second;
  e.queued = false;
  e.found = found.ok();
  e.bytes = found.ok() ? found.value().bytes : std::nullopt;
  if (outcome == e.logged) return;
  e.logged = outcome;
  if (found.ok()) {
    spdlog::info("{}: {}", r.name, outcome);
  } else {
    spdlog::warn("{}: {}", r.name, outcome);
  }
}

void ContainerLimits::Retain(const std::vector<std::string>& names) {
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& entry) {
    return std::find(names.begin(), names.end(), entry.first) == names.end();
  });
}

}  // namespace memwatch::app
