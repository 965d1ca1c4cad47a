#include "alerting/alert_state.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace memwatch::alerting {
namespace {

Alert MakeAlert(const Finding& f, Severity severity, WallTime started_at) {
  Alert a;
  a.check = f.check;
  a.severity = severity;
  a.summary = f.summary;
  a.evidence = f.evidence;
  a.fix = f.fix;
  a.started_at = started_at;
  return a;
}

}  // namespace

AlertState::AlertState(AlertPolicy policy, uint64_t id_nonce)
    : policy_(std::move(policy)), id_nonce_(id_nonce) {}

std::vector<Notification> AlertState::Evaluate(std::string_view target,
                                               const std::vector<Finding>& active, MonoTime now,
                                               WallTime wall_now) {
  // The most severe finding per check.
  std::map<std::string_view, const Finding*> current;
  for (const Finding& f : active) {
    const Finding*& slot = current[f.check];
    if (slot == nullptr || f.severity > slot->severity) slot = &f;
  }

  std::vector<std::vector<Alert>> out(policy_.routes.size());
  Entries& entries = targets_[std::string(target)];
  for (auto it = entries.begin(); it != entries.end();) {
    if (current.count(it->first) == 0) {
      if (it->second.firing) Resolve(it->second, out);
      it = entries.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [check, finding] : current) {
    auto [it, inserted] = entries.try_emplace(std::string(check));
    Entry& e = it->second;
    if (inserted) {
      e.active_since = now;
      e.started_at = wall_now;
    }
    e.finding = *finding;
    if (!e.firing && now - e.active_since >= policy_.ForDuration(check, finding->severity)) {
      e.firing = true;
    }
    if (e.firing) RouteEntry(target, e, now, out);
  }
  if (entries.empty()) targets_.erase(targets_.find(target));

  std::vector<Notification> notifications;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) continue;
    std::sort(out[i].begin(), out[i].end(), AlertOrder);
    Notification n;
    n.id = NextId(wall_now);
    n.target = std::string(target);
    n.receiver = policy_.routes[i].receiver;
    n.created_at = wall_now;
    n.alerts = std::move(out[i]);
    notifications.push_back(std::move(n));
  }
  return notifications;
}

void AlertState::RouteEntry(std::string_view target, Entry& e, MonoTime now,
                            std::vector<std::vector<Alert>>& out) const {
  const Severity severity = e.finding.severity;
  for (size_t i = 0; i < policy_.routes.size(); ++i) {
    const Route& route = policy_.routes[i];
    auto told = e.told.find(route.receiver);
    if (!route.Matches(target, e.finding.check, severity)) {
      if (told == e.told.end()) continue;
      // It no longer concerns this receiver: from its point of view it ended.
      if (route.send_resolved) {
        Alert a = MakeAlert(e.finding, told->second.severity, e.started_at);
        a.resolved = true;
        out[i].push_back(std::move(a));
      }
      e.told.erase(told);
      continue;
    }
    Alert a = MakeAlert(e.finding, severity, e.started_at);
    if (told == e.told.end()) {
      e.told.emplace(route.receiver, Told{severity, now});
    } else if (told->second.severity != severity) {
      a.previous_severity = told->second.severity;
      told->second = Told{severity, now};
    } else if (now - told->second.last_sent >= route.repeat_interval) {
      a.repeat = true;
      told->second.last_sent = now;
    } else {
      continue;
    }
    out[i].push_back(std::move(a));
  }
}

void AlertState::Resolve(const Entry& e, std::vector<std::vector<Alert>>& out) const {
  for (size_t i = 0; i < policy_.routes.size(); ++i) {
    const Route& route = policy_.routes[i];
    auto told = e.told.find(route.receiver);
    if (told == e.told.end() || !route.send_resolved) continue;
    Alert a = MakeAlert(e.finding, told->second.severity, e.started_at);
    a.resolved = true;
    out[i].push_back(std::move(a));
  }
}

void AlertState::SetPolicy(AlertPolicy policy) {
  policy_ = std::move(policy);
  for (auto& [target, entries] : targets_) {
    for (auto& [check, e] : entries) {
      std::erase_if(e.told, [&](const auto& kv) {
        return std::none_of(policy_.routes.begin(), policy_.routes.end(),
                            [&](const Route& r) { return r.receiver == kv.first; });
      });
    }
  }
}

void AlertState::Forget(std::string_view target) {
  auto it = targets_.find(target);
  if (it != targets_.end()) targets_.erase(it);
}

std::vector<std::string> AlertState::Firing(std::string_view target) const {
  std::vector<std::string> checks;
  auto it = targets_.find(target);
  if (it == targets_.end()) return checks;
  for (const auto& [check, e] : it->second) {
    if (e.firing) checks.push_back(check);
  }
  return checks;
}

std::string AlertState::NextId(WallTime wall_now) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(wall_now.time_since_epoch()).count();
  // Sorts by creation time; the nonce separates runs, the sequence number
  // notifications of one run created in the same millisecond.
  return fmt::format("{:013d}-{:08x}-{:06d}", ms, static_cast<uint32_t>(id_nonce_), ++sequence_);
}

}  // namespace memwatch::alerting
