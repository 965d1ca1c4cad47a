#include "app/doctor_command.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/container_limits.h"
#include "app/eviction_watch.h"
#include "app/group_discovery.h"
#include "app/group_nodes.h"
#include "app/keyspace_scan.h"
#include "app/poll_processor.h"
#include "app/watched_primary.h"
#include "checks/effective_limit.h"
#include "checks/format.h"
#include "checks/provider_detection.h"
#include "config/config_loader.h"
#include "doctor/report.h"
#include "info/info_parser.h"
#include "keyspace/prefix.h"
#include "poller/command_client.h"
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

// Replaces each Sentinel group and cluster of `config` by its data nodes,
// found by one round of its discovery (as the daemon's first), so doctor
// reports on each node; a group whose discovery failed, or found no node,
// gets a report saying why in `unreachable`. The group's own findings stay
// the daemon's: each needs time (a failover seen happening, sentinels that
// disagree for 30 s, a cluster failing for 5 s).
void DiscoverGroups(config::Config* config, std::vector<doctor::TargetReport>* unreachable) {
  DiscoveredGroups discovered;
  for (const config::TargetConfig& t : config->targets) {
    if (!t.IsGroup()) continue;
    std::unique_ptr<GroupDiscoverer> discoverer = MakeGroupDiscoverer(t, [] {});
    GroupDiscovery found = discoverer->Discover();
    discoverer->Stop();
    if (found.ok && !found.nodes.empty()) {
      discovered[t.name] = std::move(found.nodes);
      continue;
    }
    const std::string kind = t.sentinel ? "Sentinel group" : "cluster";
    unreachable->push_back({.name = t.name,
                            .address = t.name,
                            .failure = PollFailure::kRefused,
                            .error = found.ok ? "its discovery found no data node"
                                              : fmt::format("could not discover the {}'s nodes: {}",
                                                            kind, found.message)});
  }
  (void)ExpandGroups(config->targets, discovered);
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
  if (!tc.keyspace.protected_patterns.empty()) {
    // The patterns alone (no sample): protected_keys_evictable judges an
    // allkeys-* policy from them.
    auto families = std::make_shared<KeyFamilies>();
    for (const std::string& p : tc.keyspace.protected_patterns) {
      families->protected_keys.patterns.push_back(keyspace::EscapeKeyName(p));
    }
    obs.key_families = std::move(families);
  }
  report.findings = monitor.Observe(obs);
  return report;
}

// The scan's progress on stderr, redrawn in place ('\r') at most every
// kRedrawEvery, and only when stderr is a terminal: piped, nothing.
class ProgressLine {
 public:
  static constexpr Duration kRedrawEvery = std::chrono::milliseconds(100);
  static constexpr int kColumns = 72;

  explicit ProgressLine(const Clock& clock) : clock_(clock), enabled_(isatty(2) == 1) {}
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Draw(const ScanProgress& p) {
    const MonoTime now = clock_.Now();
    if (!enabled_ || (drawn_ && now - last_ < kRedrawEvery)) return;
    const std::string line = doctor::FormatProgressBar(p.fraction, p.keys, p.seconds, kColumns);
    (void)std::fprintf(stderr, "\r%s", line.c_str());
    (void)std::fflush(stderr);
    drawn_ = true;
    last_ = now;
  }
  // Blanks the line and returns the cursor to its start.
  void Clear() {
    if (!drawn_) return;
    (void)std::fprintf(stderr, "\r%*s\r", kColumns, "");
    (void)std::fflush(stderr);
    drawn_ = false;
  }

 private:
  const Clock& clock_;
  bool enabled_;
  bool drawn_ = false;
  MonoTime last_{};
};

// Why doctor does not scan `report`'s keyspace, or "" when it does.
std::string ScanSkipReason(const Command& cmd, const doctor::TargetReport& report) {
  if (cmd.no_scan) return "--no-scan";
  if (report.failure != PollFailure::kNone || !report.snapshot)
    return "the target could not be polled";
  // SCAN walks the connection's database, db0.
  const auto db0 = report.snapshot->keyspace.find("db0");
  if (db0 == report.snapshot->keyspace.end() || db0->second.keys == 0) {
    return "the keyspace is empty (no keys in db0)";
  }
  return "";
}

// Runs doctor's bounded keyspace scan of `target` on a connection of its
// own and fills the report's keyspace fields (or keyspace_skipped).
void ScanKeyspace(const Command& cmd, Duration timeout, const poller::PollTarget& target,
                  const Clock& clock, doctor::TargetReport* report) {
  report->keyspace_skipped = ScanSkipReason(cmd, *report);
  if (!report->keyspace_skipped.empty()) return;
  poller::CommandClient client(target, {}, clock);
  const PipelineFn pipeline = [&client](const std::vector<Argv>& commands, MonoTime deadline) {
    return client.Pipeline(commands, deadline);
  };
  const SleepFn sleep = [](Duration d) { std::this_thread::sleep_for(d); };
  ProgressLine progress(clock);
  KeyspaceScanOptions options;
  options.scan_time = cmd.scan_time.value_or(kDefaultScanTime);
  options.command_timeout = timeout;
  Result<KeyspaceScanResult> r = RunKeyspaceScan(
      pipeline, clock, sleep, options, [&progress](const ScanProgress& p) { progress.Draw(p); });
  progress.Clear();
  if (!r.ok()) {
    report->keyspace_skipped = "the scan failed: " + r.status().message();
    return;
  }
  report->keyspace = std::move(r.value().summary);
  report->keyspace_scan = r.value().scan;
}

// For a target with protected patterns: whether Redis announces evictions
// (CONFIG GET notify-keyspace-events; doctor never sets it).
void ReadEvictionEvents(const config::TargetConfig& tc, Duration timeout,
                        const poller::PollTarget& target, const Clock& clock,
                        doctor::TargetReport* report) {
  if (tc.keyspace.protected_patterns.empty() || report->failure != PollFailure::kNone) return;
  doctor::EvictionEvents events;
  events.protected_patterns = tc.keyspace.protected_patterns;
  poller::CommandClient client(target, {}, clock);
  Result<std::vector<poller::Reply>> r =
      client.Pipeline({{"CONFIG", "GET", "notify-keyspace-events"}}, clock.Now() + timeout);
  if (!r.ok()) {
    events.error = r.status().message();
  } else if (const poller::Reply& reply = r.value().front();
             reply.type == poller::Reply::Type::kArray && reply.elements.size() == 2) {
    events.flags = reply.elements[1].text;
    events.on = EvictionEventsOn(*events.flags);
  } else {
    events.error = reply.type == poller::Reply::Type::kError ? reply.text : "unexpected reply";
  }
  report->eviction_events = std::move(events);
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

  std::vector<doctor::TargetReport> undiscovered;
  DiscoverGroups(&config, &undiscovered);
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

  const SystemClock clock;
  const WallTime wall_now = clock.WallNow();
  const std::vector<poller::PollTarget> targets = PollProcessor::PollTargets(config);
  std::vector<doctor::TargetReport> reports;
  for (size_t i = 0; i < config.targets.size(); ++i) {
    reports.push_back(ReportOn(config, config.targets[i], results[i], std::move(snapshots[i]),
                               watched, wall_now));
    ScanKeyspace(cmd, config.timeout, targets[i], clock, &reports.back());
    ReadEvictionEvents(config.targets[i], config.timeout, targets[i], clock, &reports.back());
  }
  for (doctor::TargetReport& r : undiscovered) reports.push_back(std::move(r));
  std::string text = cmd.json ? doctor::FormatJson(reports) : doctor::FormatText(reports);
  (void)std::fputs(text.c_str(), stdout);
  return doctor::ExitCode(reports);
}

}  // namespace memwatch::app
