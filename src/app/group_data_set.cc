#include "app/group_data_set.h"

#include <set>
#include <utility>

#include "checks/check_registry.h"
#include "checks/check_settings.h"

namespace memwatch::app {
namespace {

// The node's settings with every check but the data-set ones turned off.
checks::CheckSettings DataSetSettings(const config::Config& config,
                                      const config::TargetConfig& node) {
  checks::ChecksBlock own = node.checks;
  for (const checks::CheckSpec& spec : checks::AllChecks()) {
    if (!checks::IsSentinelDataSetCheck(spec.name)) own[std::string(spec.name)].enabled = false;
  }
  return checks::CheckSettings::Merge(config.checks, own);
}

checks::TargetInfo DataSetInfo(const std::string& group, const config::TargetConfig& node) {
  return {group, node.memory_limit, node.provider};
}

}  // namespace

std::string DataSetGroupOf(const config::TargetConfig& t) {
  return t.discovered_by == "sentinel" ? t.group : "";
}

void GroupDataSets::Reconfigure(const config::Config& config) {
  std::set<std::string> present;
  for (const config::TargetConfig& tc : config.targets) {
    const std::string group = DataSetGroupOf(tc);
    if (group.empty() || !present.insert(group).second) continue;
    DataSet& set = sets_[group];
    if (set.monitor) {
      set.monitor->Reconfigure(DataSetInfo(group, tc), DataSetSettings(config, tc));
    } else {
      set.monitor = std::make_unique<checks::TargetMonitor>(DataSetInfo(group, tc),
                                                            DataSetSettings(config, tc));
    }
  }
  std::erase_if(sets_, [&present](const auto& kv) { return !present.contains(kv.first); });
}

std::vector<Finding> GroupDataSets::Observe(const std::string& group, const std::string& node,
                                            const checks::Observation& obs) {
  auto it = sets_.find(group);
  if (it == sets_.end()) return {};
  DataSet& set = it->second;
  if (set.newest.has_value() && obs.at < *set.newest) return set.findings;
  set.newest = obs.at;
  set.findings = set.monitor->Observe(obs);
  for (Finding& f : set.findings) {
    f.summary += " (measured on the primary, " + node + ")";
    f.evidence.push_back({"primary", node});
  }
  return set.findings;
}

}  // namespace memwatch::app
