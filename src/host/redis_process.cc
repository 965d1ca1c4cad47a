#include "host/redis_process.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "host/host_file.h"
#include "host/proc_net.h"
#include "host/proc_status.h"
#include "host/text_fields.h"

namespace memwatch::host {
namespace {

bool WantsTcpPort(const RedisProcessQuery& query) {
  return query.tcp_port.has_value() && *query.tcp_port > 0;
}

// True iff a line after the header of the table at `path` satisfies
// `matches`. A table that cannot be read does not confirm anything.
bool AnySocket(const std::string& path, const std::function<bool(std::string_view)>& matches) {
  bool found = false;
  // The status adds nothing: only a line read can confirm.
  (void)VisitHostFileLines(path, [&](size_t number, std::string_view line) {
    found = number > 0 && matches(line);
    return !found;
  });
  return found;
}

bool ListensOnTcp(const std::string& proc, int64_t pid, int64_t port) {
  for (const char* table : {"tcp", "tcp6"}) {
    if (AnySocket(fmt::format("{}/{}/net/{}", proc, pid, table),
                  [&](std::string_view line) { return IsTcpListenerOn(line, port); })) {
      return true;
    }
  }
  return false;
}

bool ListensOnUnix(const std::string& proc, int64_t pid, const std::string& path) {
  return AnySocket(fmt::format("{}/{}/net/unix", proc, pid),
                   [&](std::string_view line) { return IsUnixSocketAt(line, path); });
}

// True iff `pid` listens everywhere the query names. A table that cannot
// be read (the process exited, or we may not look) does not confirm it.
bool ListensWhereAsked(const std::string& proc, int64_t pid, const RedisProcessQuery& query) {
  if (WantsTcpPort(query) && !ListensOnTcp(proc, pid, *query.tcp_port)) return false;
  if (!query.unix_socket.empty() && !ListensOnUnix(proc, pid, query.unix_socket)) return false;
  return true;
}

// "PID 1 (INFO process_id) listening on port 6379", for error messages.
std::string Described(const RedisProcessQuery& query) {
  std::string text = fmt::format("PID {} (INFO process_id)", query.process_id);
  if (WantsTcpPort(query)) text += fmt::format(" listening on port {}", *query.tcp_port);
  if (!query.unix_socket.empty()) {
    text += fmt::format("{} unix socket {}", WantsTcpPort(query) ? " and on" : " listening on",
                        query.unix_socket);
  }
  return text;
}

Status NoneFound(const std::string& proc, const RedisProcessQuery& query, size_t same_pid) {
  std::string unconfirmed;
  if (same_pid > 0) {
    unconfirmed = fmt::format(" ({} with that PID, none listening there)", same_pid);
  }
  return Status::Error(fmt::format(
      "no process with {} is visible in {}{}: Redis runs on another host, in a PID namespace "
      "this daemon cannot see, or {} hides other users' processes (hidepid, systemd "
      "ProtectProc=); set memory_limit for this target",
      Described(query), proc, unconfirmed, proc));
}

Status SeveralFound(const std::string& proc, const RedisProcessQuery& query,
                    std::vector<int64_t> pids) {
  std::sort(pids.begin(), pids.end());  // /proc lists in no promised order
  std::string listed;
  for (const int64_t pid : pids) listed += fmt::format("{}{}", listed.empty() ? "" : ", ", pid);
  return Status::Error(fmt::format(
      "{} processes in {} match {} (host PIDs {}), so which one is Redis is unclear; give the "
      "target's port or unix socket to tell them apart, or set memory_limit for this target",
      pids.size(), proc, Described(query), listed));
}

}  // namespace

Result<ProcessTable> ScanProcesses(const HostPaths& paths) {
  std::error_code ec;
  std::filesystem::directory_iterator it(paths.proc, ec);
  if (ec) return Status::Error(fmt::format("cannot list {}: {}", paths.proc, ec.message()));
  ProcessTable table;
  // A failed increment ends the iteration: what we saw is what is visible.
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::optional<int64_t> pid = ParseDecimal(it->path().filename().string());
    if (!pid.has_value()) continue;
    const Result<std::string> status = ReadHostFile(fmt::format("{}/{}/status", paths.proc, *pid));
    if (!status.ok()) continue;  // exited while we listed
    if (const std::optional<int64_t> inner = InnermostPid(status.value())) {
      table.host_pids_by_innermost.emplace(*inner, *pid);
    }
  }
  return table;
}

Result<int64_t> FindRedisProcess(const HostPaths& paths, const RedisProcessQuery& query,
                                 const ProcessTable* table) {
  ProcessTable scanned;
  if (table == nullptr) {
    Result<ProcessTable> now = ScanProcesses(paths);
    if (!now.ok()) return now.status();
    scanned = std::move(now).value();
    table = &scanned;
  }
  const auto [first, last] = table->host_pids_by_innermost.equal_range(query.process_id);
  std::vector<int64_t> matches;
  size_t same_pid = 0;
  for (auto it = first; it != last; ++it) {
    ++same_pid;
    if (ListensWhereAsked(paths.proc, it->second, query)) matches.push_back(it->second);
  }
  if (matches.empty()) return NoneFound(paths.proc, query, same_pid);
  if (matches.size() > 1) return SeveralFound(paths.proc, query, std::move(matches));
  return matches.front();
}

}  // namespace memwatch::host
