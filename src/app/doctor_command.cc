#include "app/doctor_command.h"

#include <cstdio>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/container_limits.h"
#include "app/poll_processor.h"
#include "app/watched_primary.h"
#include "checks/effective_limit.h"
#include "checks/format.h"
#include "checks/provider_detection.h"
#include "config/config_loader.h"
#include "doctor/report.h"
#include "info/info_parser.h"
#include "poller/poller.h"

namespace memwatch::app {
namespace {

// Doctor runs once, often against a Redis far away: allow more than the
// daemon's default unless told otherwise.
constexpr Duration kDoctorDefaultTimeout = std::chrono::seconds(2);

Result<config::Config> ConfigFor(const Command& cmd) {
  if (!cmd.config_path.empty()) {
    config::LoadResult r = config::LoadConfigFile(cmd.config_path, config::ProcessEnv());
    if (!r.ok()) {
      std::string report = config::ErrorReport(r.errors);
      report.pop_back();  // the caller ends the line
      return Status::Error(report);
    }
    r.config->timeout = std::max(r.config->timeout, kDoctorDefaultTimeout);
    return std::move(*r.config);
  }
  Result<config::ParsedAddress> a = config::ParseAddress(*cmd.url);
  if (!a.ok()) return a.status();
  config::Config c;
  c.timeout = kDoctorDefaultTimeout;
  config::TargetConfig t;
  t.name = a.value().display;
  t.display_address = a.value().display;
  t.endpoint = a.value().endpoint;
  t.username = a.value().username;
  t.password = a.value().password;
  // rediss:// or any --tls-* flag turns TLS on; the flags say how.
  if (a.value().tls || cmd.tls.has_value()) t.tls = cmd.tls.value_or(TlsSettings{});
  c.targets.push_back(std::move(t));
  return c;
}

// The cgroup limit of `tc`'s Redis when no memory_limit is written; says in
// `note` where the container's limit came from, or why it is unknown.
std::optional<int64_t> CgroupLimitOf(const config::TargetConfig& tc, const Snapshot& s,
                                     std::string* note) {
  if (tc.memory_limit.has_value()) {
    *note = fmt::format("memory_limit {} from the config", checks::FormatBytes(*tc.memory_limit));
    return std::nullopt;
  }
  const Result<host::ContainerLimit> found = LookUpContainerLimit({}, tc.endpoint, s);
  if (!found.ok()) {
    *note = "limit unknown: " + found.status().message();
    return std::nullopt;
  }
  *note = DescribeContainerLimit(found.value());
  return found.value().bytes;
}

// Runs the checks once on what one poll of `tc` found.
doctor::TargetReport ReportOn(const config::Config& config, const config::TargetConfig& tc,
                              const poller::PollResult& r, std::optional<Snapshot> snapshot,
                              std::span<const WatchedTarget> watched, WallTime wall_now) {
  doctor::TargetReport report;
  report.name = tc.name;
  report.address = tc.display_address;
  report.tls_unverified = tc.tls.has_value() && tc.tls->insecure_skip_verify;
  report.failure = r.failure;
  report.error = r.message;
  if (r.failure != PollFailure::kNone) return report;
  report.snapshot = std::move(snapshot);
  const std::optional<int64_t> cgroup = CgroupLimitOf(tc, *report.snapshot, &report.container);
  report.limit = checks::ComputeEffectiveLimit(*report.snapshot,
                                               checks::ContainerLimitOf(tc.memory_limit, cgroup));
  report.provider = checks::ResolveProvider(tc.provider, &*report.snapshot);
  checks::TargetMonitor monitor({tc.name, tc.memory_limit, tc.provider},
                                checks::CheckSettings::Merge(config.checks, tc.checks));
  checks::Observation obs = ObservationOf(r, wall_now);
  obs.snapshot = &*report.snapshot;
  obs.primary = WatchedPrimaryOf(*report.snapshot, watched);
  obs.cgroup_limit = cgroup;
  report.findings = monitor.Observe(obs);
  return report;
}

}  // namespace

int RunDoctor(const Command& cmd) {
  Result<config::Config> loaded = ConfigFor(cmd);
  if (!loaded.ok()) {
    (void)std::fprintf(stderr, "redis-memwatch doctor: %s\n", loaded.status().message().c_str());
    return doctor::kDoctorUnreachable;
  }
  config::Config& config = loaded.value();
  if (cmd.timeout) {
    Result<Duration> d = config::ParseDuration(*cmd.timeout);
    if (!d.ok() || d.value().count() <= 0) {
      (void)std::fprintf(stderr, "redis-memwatch doctor: --timeout: expected a duration like 2s\n");
      return doctor::kDoctorUnreachable;
    }
    config.timeout = d.value();
  }

  poller::PollerOptions options;
  options.timeout = config.timeout;
  std::vector<poller::PollResult> results =
      poller::PollOnce(options, PollProcessor::PollTargets(config));

  // Every reply first, so a replica can be compared with its primary.
  std::vector<std::optional<Snapshot>> snapshots(config.targets.size());
  std::vector<WatchedTarget> watched;
  for (size_t i = 0; i < config.targets.size(); ++i) {
    if (results[i].failure == PollFailure::kNone) snapshots[i] = info::ParseInfo(results[i].info);
    watched.push_back({config.targets[i].name, config.targets[i].endpoint,
                       snapshots[i] ? snapshots[i]->maxmemory : std::nullopt});
  }

  const WallTime wall_now = SystemClock().WallNow();
  std::vector<doctor::TargetReport> reports;
  for (size_t i = 0; i < config.targets.size(); ++i) {
    reports.push_back(ReportOn(config, config.targets[i], results[i], std::move(snapshots[i]),
                               watched, wall_now));
  }
  std::string text = cmd.json ? doctor::FormatJson(reports) : doctor::FormatText(reports);
  (void)std::fputs(text.c_str(), stdout);
  return doctor::ExitCode(reports);
}

}  // namespace memwatch::app
