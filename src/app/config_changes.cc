#include "app/config_changes.h"

#include <map>
#include <string_view>

#include <fmt/format.h>

#include "config/duration.h"

namespace memwatch::app {
namespace {

// The parts of a target the poller and the check engine use.
bool SameTarget(const config::TargetConfig& a, const config::TargetConfig& b) {
  return a.endpoint == b.endpoint && a.display_address == b.display_address &&
         a.username == b.username && a.password == b.password && a.memory_limit == b.memory_limit &&
         a.provider == b.provider && a.tls == b.tls && a.checks == b.checks;
}

// Names added, removed and changed between two lists of named items, e.g.
// "targets: added b, removed a, changed c"; "" when nothing changed.
template <typename T, typename Same>
std::string DiffNamed(std::string_view what, const std::vector<T>& before,
                      const std::vector<T>& after, Same same) {
  std::map<std::string_view, const T*> old;
  for (const T& item : before) old.emplace(item.name, &item);
  std::vector<std::string> added;
  std::vector<std::string> changed;
  for (const T& item : after) {
    auto it = old.find(item.name);
    if (it == old.end()) {
      added.push_back(item.name);
      continue;
    }
    if (!same(*it->second, item)) changed.push_back(item.name);
    old.erase(it);
  }
  std::vector<std::string> parts;
  if (!added.empty()) parts.push_back(fmt::format("added {}", fmt::join(added, ", ")));
  if (!old.empty()) {
    std::vector<std::string_view> removed;
    removed.reserve(old.size());
    for (const auto& [name, item] : old) removed.push_back(name);
    parts.push_back(fmt::format("removed {}", fmt::join(removed, ", ")));
  }
  if (!changed.empty()) parts.push_back(fmt::format("changed {}", fmt::join(changed, ", ")));
  if (parts.empty()) return "";
  return fmt::format("{}: {}", what, fmt::join(parts, "; "));
}

std::string FromTo(std::string_view key, Duration a, Duration b) {
  return fmt::format("{} {} -> {}", key, config::FormatDuration(a), config::FormatDuration(b));
}

// Appends what changed in the alerting block (not the receivers) to `out`.
void DiffAlertingSettings(const alerting::AlertingConfig& a, const alerting::AlertingConfig& b,
                          std::vector<std::string>* out) {
  if (a.state_dir != b.state_dir) {
    out->push_back(fmt::format("state_dir {} -> {}", a.state_dir, b.state_dir));
  }
  if (a.repeat_interval != b.repeat_interval) {
    out->push_back(FromTo("alerting.repeat_interval", a.repeat_interval, b.repeat_interval));
  }
  if (a.fast_interval != b.fast_interval) {
    out->push_back(FromTo("alerting.fast_interval", a.fast_interval, b.fast_interval));
  }
  if (a.send_resolved != b.send_resolved) {
    out->push_back(
        fmt::format("alerting.send_resolved {} -> {}", a.send_resolved, b.send_resolved));
  }
  if (a.external_url != b.external_url) out->push_back("alerting.external_url");
  if (a.for_by_check != b.for_by_check || a.default_for != b.default_for) {
    out->push_back("alerting.for");
  }
}

}  // namespace

ConfigChanges DiffConfigs(const config::Config& before, const config::Config& after) {
  ConfigChanges c;
  std::vector<std::string>& d = c.descriptions;
  if (before.listen != after.listen) {
    c.listen = true;
    d.push_back(fmt::format("listen {} -> {}", before.listen, after.listen));
  }
  if (before.route_prefix != after.route_prefix) {
    c.route_prefix = true;
    d.push_back(fmt::format("route_prefix {} -> {}",
                            before.route_prefix.empty() ? "/" : before.route_prefix,
                            after.route_prefix.empty() ? "/" : after.route_prefix));
  }
  if (before.interval != after.interval) {
    c.polling = true;
    d.push_back(FromTo("interval", before.interval, after.interval));
  }
  if (before.timeout != after.timeout) {
    c.polling = true;
    d.push_back(FromTo("timeout", before.timeout, after.timeout));
  }
  if (before.checks != after.checks) {
    c.checks = true;
    d.emplace_back("checks");
  }
  {
    std::vector<std::string> restarted;
    for (const config::TargetConfig& b : after.targets) {
      for (const config::TargetConfig& a : before.targets) {
        if (a.name == b.name && a.keyspace != b.keyspace) restarted.push_back(b.name);
      }
    }
    if (!restarted.empty()) {
      c.keyspace = true;
      d.push_back(fmt::format("keyspace: restarted sampler of {}", fmt::join(restarted, ", ")));
    }
  }
  std::string targets = DiffNamed("targets", before.targets, after.targets, SameTarget);
  if (!targets.empty()) {
    c.targets = true;
    d.push_back(std::move(targets));
  }
  if (before.alerting != after.alerting) {
    c.alerting = true;
    const size_t described = d.size();
    DiffAlertingSettings(before.alerting, after.alerting, &d);
    std::string receivers = DiffNamed("receivers", before.alerting.receivers,
                                      after.alerting.receivers, std::equal_to<>());
    if (!receivers.empty()) d.push_back(std::move(receivers));
    if (d.size() == described) d.emplace_back("alerting");  // a key not named above
  }
  return c;
}

std::string DescribeChanges(const ConfigChanges& changes) {
  if (!changes.any()) return "nothing";
  return fmt::format("{}", fmt::join(changes.descriptions, "; "));
}

}  // namespace memwatch::app
