#include "app/poll_processor.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <spdlog/spdlog.h>

#include "alerting/alert_policy.h"
#include "app/fast_polling.h"
#include "checks/check_registry.h"
#include "checks/effective_limit.h"
#include "checks/snapshot_facts.h"
#include "info/info_parser.h"

namespace memwatch::app {

using checks::IsSentinelDataSetCheck;

namespace {

checks::TargetInfo InfoOf(const config::TargetConfig& t) {
  return {t.name, t.memory_limit, t.provider};
}

std::optional<bool> InsecureOf(const config::TargetConfig& t) {
  if (!t.tls.has_value()) return std::nullopt;
  return t.tls->insecure_skip_verify;
}

checks::CheckSettings SettingsOf(const config::Config& c, const config::TargetConfig& t) {
  return checks::CheckSettings::Merge(c.checks, t.checks);
}

}  // namespace

PollProcessor::PollProcessor(const config::Config& config, metrics::MetricsStore* store,
                             uint64_t id_nonce)
    : store_(store),
      alerts_(alerting::PolicyFrom(config.alerting), id_nonce),
      fast_interval_(config.alerting.fast_interval) {
  (void)Reconfigure(config);  // no target is fast yet
}

std::vector<poller::PollTarget> PollProcessor::PollTargets(const config::Config& config) {
  std::vector<poller::PollTarget> out;
  out.reserve(config.targets.size());
  for (const config::TargetConfig& t : config.targets) {
    out.push_back({t.name, t.endpoint, t.username, t.password, t.tls});
  }
  return out;
}

PollEffects PollProcessor::Reconfigure(const config::Config& config) {
  PollEffects effects;
  alerts_.SetPolicy(alerting::PolicyFrom(config.alerting));
  const bool fast_interval_changed = fast_interval_ != config.alerting.fast_interval;
  fast_interval_ = config.alerting.fast_interval;
  std::map<std::string, Target> old;
  for (Target& t : targets_) old.emplace(t.name, std::move(t));
  targets_.clear();
  pending_first_ = 0;
  std::vector<std::string> names;
  for (const config::TargetConfig& tc : config.targets) {
    names.push_back(tc.name);
    if (tc.tls.has_value() && tc.tls->insecure_skip_verify) {
      spdlog::warn(
          "{}: tls.insecure_skip_verify is on: the connection is encrypted but the server is "
          "not verified, so anyone on the path can pose as it",
          tc.name);
    }
    auto it = old.find(tc.name);
    if (it != old.end()) {
      Target t = std::move(it->second);
      old.erase(it);
      t.display_address = tc.display_address;
      t.endpoint = tc.endpoint;
      t.memory_limit = tc.memory_limit;
      t.tls_insecure = InsecureOf(tc);
      t.data_set_group = DataSetGroupOf(tc);
      t.group_primary = tc.role == "primary";
      t.monitor->Reconfigure(InfoOf(tc), SettingsOf(config, tc));
      if (!t.seen) ++pending_first_;
      if (t.fast && fast_interval_changed) effects.intervals.emplace_back(t.name, fast_interval_);
      targets_.push_back(std::move(t));
    } else {
      Target t;
      t.name = tc.name;
      t.display_address = tc.display_address;
      t.endpoint = tc.endpoint;
      t.memory_limit = tc.memory_limit;
      t.tls_insecure = InsecureOf(tc);
      t.data_set_group = DataSetGroupOf(tc);
      t.group_primary = tc.role == "primary";
      t.monitor = std::make_unique<checks::TargetMonitor>(InfoOf(tc), SettingsOf(config, tc));
      ++pending_first_;
      targets_.push_back(std::move(t));
    }
  }
  // Removed targets: their alerts end without a word (the person removed
  // them on purpose), and the poller forgets them with their fast mode.
  for (const auto& entry : old) alerts_.Forget(entry.first);
  store_->SetTargets(names);
  store_->SetRefreshSeconds(std::chrono::duration<double>(config.interval).count());
  container_limits_.Retain(names);
  RebuildWatched(config);
  data_sets_.Reconfigure(config);
  std::erase_if(data_set_active_, [this](const auto& kv) {
    return std::none_of(targets_.begin(), targets_.end(),
                        [&kv](const Target& t) { return t.data_set_group == kv.first; });
  });
  return effects;
}

void PollProcessor::RebuildWatched(const config::Config& config) {
  std::map<std::string, std::optional<int64_t>> last;
  for (const WatchedTarget& w : watched_) last.emplace(w.name, w.maxmemory);
  watched_.clear();
  for (const config::TargetConfig& tc : config.targets) {
    auto it = last.find(tc.name);
    watched_.push_back({tc.name, tc.endpoint, it != last.end() ? it->second : std::nullopt});
  }
}

bool PollProcessor::FastPolling(const std::string& name) const {
  for (const Target& t : targets_) {
    if (t.name == name) return t.fast;
  }
  return false;
}

void PollProcessor::UpdatePollingMode(Target& t, const Snapshot* snapshot,
                                      std::optional<EffectiveLimit> limit, PollEffects* effects) {
  const bool fast = WantsFastPolling(t.fast, snapshot, t.previous_used, limit, t.active);
  if (snapshot != nullptr && snapshot->used_memory.has_value())
    t.previous_used = snapshot->used_memory;
  if (fast == t.fast) return;
  t.fast = fast;
  if (fast) {
    spdlog::info("{}: close to its limit; polling every {} ms until it is not", t.name,
                 fast_interval_.count());
  } else {
    spdlog::info("{}: away from its limit; back to the normal polling interval", t.name);
  }
  effects->intervals.emplace_back(t.name,
                                  fast ? std::optional<Duration>(fast_interval_) : std::nullopt);
}

checks::Observation ObservationOf(const poller::PollResult& r, WallTime wall_now) {
  checks::Observation obs;
  obs.at = r.finished;
  obs.failure = r.failure;
  obs.failure_message = r.message;
  obs.probe_duration =
      std::chrono::duration_cast<std::chrono::microseconds>(r.finished - r.started);
  if (r.tls_not_after.has_value()) {
    obs.tls_not_after = r.tls_not_after;
    obs.tls_expires_in = static_cast<double>(*r.tls_not_after) -
                         std::chrono::duration<double>(wall_now.time_since_epoch()).count();
  }
  return obs;
}

PolledHealth HealthOf(const std::string& target, const std::vector<Finding>& active,
                      const poller::PollResult& r, const Snapshot* snapshot,
                      const std::optional<EffectiveLimit>& limit) {
  PolledHealth health;
  health.target = target;
  health.down = r.failure != PollFailure::kNone;
  // Slow now, not while the finding is held after Redis recovered: this
  // poll itself took longer than the check's default floor.
  health.slow = !health.down && r.finished - r.started >= kSlowProbe &&
                std::any_of(active.begin(), active.end(),
                            [](const Finding& f) { return f.check == "command_timeouts"; });
  if (snapshot == nullptr) return health;
  if (snapshot->role) health.replica = *snapshot->role == "slave";
  if (std::optional<checks::KeyspaceTotals> ks = checks::SumKeyspace(*snapshot)) {
    health.keys = static_cast<uint64_t>(std::max<int64_t>(ks->keys, 0));
  }
  if (snapshot->used_memory && limit && limit->bytes > 0) {
    health.near_limit =
        static_cast<double>(*snapshot->used_memory) >= 0.95 * static_cast<double>(limit->bytes);
  }
  return health;
}

PollProcessor::Target* PollProcessor::Find(const poller::PollResult& r) {
  // A reload reaches the poller thread later than this object: match by
  // name (the index is only a hint), and drop results of removed targets.
  if (r.target_index < targets_.size() && targets_[r.target_index].name == r.target_name) {
    return &targets_[r.target_index];
  }
  for (Target& candidate : targets_) {
    if (candidate.name == r.target_name) return &candidate;
  }
  return nullptr;
}

PollEffects PollProcessor::Process(const poller::PollResult& r, WallTime wall_now) {
  PollEffects effects;
  Target* found = Find(r);
  if (found == nullptr) return effects;
  Target& t = *found;
  if (!t.seen) {
    t.seen = true;
    --pending_first_;
  }

  metrics::TargetUpdate update;
  update.failure = r.failure;
  update.failure_message = r.message;
  update.probe_seconds = std::chrono::duration<double>(r.finished - r.started).count();
  update.wall_seconds = std::chrono::duration<double>(wall_now.time_since_epoch()).count();

  update.tls_not_after = r.tls_not_after;
  update.tls_insecure = t.tls_insecure;
  checks::Observation obs = ObservationOf(r, wall_now);
  if (families_ != nullptr) obs.key_families = families_->Get(t.name);

  std::optional<Snapshot> snapshot;
  if (r.failure == PollFailure::kNone) {
    snapshot = info::ParseInfo(r.info);
    if (!snapshot->parse_notes.empty() && !t.parse_warned) {
      t.parse_warned = true;
      spdlog::warn("{}: INFO reply had {} problem(s), first: {}", t.name,
                   snapshot->parse_notes.size(), snapshot->parse_notes.front());
    }
    obs.snapshot = &*snapshot;
    watched_[static_cast<size_t>(found - targets_.data())].maxmemory = snapshot->maxmemory;
    obs.primary = WatchedPrimaryOf(*snapshot, watched_);
    obs.cgroup_limit = container_limits_.Get(t.name, t.endpoint, *snapshot, r.finished);
  }

  std::vector<Finding> findings = t.monitor->Observe(obs);
  LogChanges(t.name, t.active, findings);
  std::vector<Finding> alerted = findings;
  if (!t.data_set_group.empty()) {
    std::erase_if(alerted, [](const Finding& f) { return IsSentinelDataSetCheck(f.check); });
  }
  // The caller hands these over after the store below is updated: at most
  // a scrape's hold of the store's lock (one family or batch of targets).
  effects.notifications = alerts_.Evaluate(t.name, alerted, r.finished, wall_now);
  if (snapshot && t.group_primary && !t.data_set_group.empty()) {
    ObserveDataSet(t, obs, wall_now, &effects);
  }
  if (snapshot) {
    update.limit = checks::ComputeEffectiveLimit(
        *snapshot, checks::ContainerLimitOf(t.memory_limit, obs.cgroup_limit));
    update.time_to_full_seconds = t.monitor->TimeToFullSeconds();
  }
  update.findings = findings;
  t.active = std::move(findings);
  UpdatePollingMode(t, snapshot ? &*snapshot : nullptr, update.limit, &effects);
  effects.health = HealthOf(t.name, t.active, r, snapshot ? &*snapshot : nullptr, update.limit);
  update.snapshot = std::move(snapshot);
  store_->Record(t.name, std::move(update));
  store_->RecordLag(std::chrono::duration<double>(r.started - r.due).count());
  return effects;
}

PollEffects PollProcessor::ProcessGroup(const std::string& name, std::vector<Finding> findings,
                                        MonoTime now, WallTime wall_now) {
  PollEffects effects;
  std::vector<Finding>& active = group_active_[name];
  LogChanges(name, active, findings);
  active = std::move(findings);
  effects.notifications = UpdateGroup(name, now, wall_now);
  return effects;
}

void PollProcessor::ObserveDataSet(const Target& t, const checks::Observation& obs,
                                   WallTime wall_now, PollEffects* effects) {
  std::vector<Finding> next = data_sets_.Observe(t.data_set_group, t.display_address, obs);
  std::vector<Finding>& active = data_set_active_[t.data_set_group];
  LogChanges(t.data_set_group, active, next);
  active = std::move(next);
  for (alerting::Notification& n : UpdateGroup(t.data_set_group, obs.at, wall_now)) {
    effects->notifications.push_back(std::move(n));
  }
}

std::vector<alerting::Notification> PollProcessor::UpdateGroup(const std::string& group,
                                                               MonoTime now, WallTime wall_now) {
  std::vector<Finding> all = group_active_[group];
  const std::vector<Finding>& data_set = data_set_active_[group];
  all.insert(all.end(), data_set.begin(), data_set.end());
  store_->RecordGroupFindings(group, all);
  return alerts_.Evaluate(group, all, now, wall_now);
}

void PollProcessor::LogChanges(const std::string& name, const std::vector<Finding>& before_all,
                               const std::vector<Finding>& next) {
  auto find = [](const std::vector<Finding>& v, const std::string& check) -> const Finding* {
    for (const Finding& f : v) {
      if (f.check == check) return &f;
    }
    return nullptr;
  };
  for (const Finding& f : next) {
    const Finding* before = find(before_all, f.check);
    if (before == nullptr || before->severity != f.severity) {
      auto level = f.severity == Severity::kCritical  ? spdlog::level::err
                   : f.severity == Severity::kWarning ? spdlog::level::warn
                                                      : spdlog::level::info;
      spdlog::log(level, "{}: {} {}: {}", name, SeverityName(f.severity), f.check, f.summary);
    }
  }
  for (const Finding& f : before_all) {
    if (find(next, f.check) == nullptr) {
      spdlog::info("{}: resolved {}", name, f.check);
    }
  }
}

}  // namespace memwatch::app
