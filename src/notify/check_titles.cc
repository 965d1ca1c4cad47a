#include "notify/check_titles.h"

#include <utility>

#include "checks/check_registry.h"

namespace memwatch::notify {
namespace {

constexpr std::string_view kRunbook =
    "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#";

// Findings about a group as a whole (issue 15), raised by its discovery
// rather than by a check of each node, so not in the check registry.
constexpr std::pair<std::string_view, std::string_view> kGroupCheckTitles[] = {
    {"cluster_state", "cluster failed (cluster_state:fail)"},
    {"cluster_shard_near_limit", "cluster shard near its memory limit"},
    {"cluster_nodes_unreachable", "cluster nodes unreachable"},
};

}  // namespace

std::string CheckTitle(std::string_view check) {
  if (check == kTestCheck) return "test notification";
  // A Sentinel group's findings (discovery/sentinel_findings.h): about the
  // group, not a node, so not in the check registry.
  if (check == "failover") return "primary failed over";
  if (check == "sentinel_quorum") return "sentinels short of quorum";
  if (check == "sentinels_disagree") return "sentinels disagree on the primary";
  if (const checks::CheckSpec* spec = checks::FindCheck(check); spec != nullptr) {
    return std::string(spec->title);
  }
  for (const auto& [name, title] : kGroupCheckTitles) {
    if (check == name) return std::string(title);
  }
  std::string title(check);
  for (char& c : title) {
    if (c == '_') c = ' ';
  }
  return title;
}

std::string AlertName(std::string_view check) {
  std::string name = "RedisMemwatch";
  bool upper = true;
  for (char c : check) {
    if (c == '_' || c == '-' || c == '.') {
      upper = true;
      continue;
    }
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) continue;  // alertname must be a valid label value for routing trees
    name += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return name;
}

std::string RunbookUrl(std::string_view check) {
  return std::string(kRunbook) + std::string(check);
}

}  // namespace memwatch::notify
