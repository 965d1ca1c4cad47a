#include "notify/check_titles.h"

#include <array>
#include <utility>

namespace memwatch::notify {
namespace {

constexpr std::string_view kRunbook =
    "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#";

// Short enough for a phone's lock screen after "[CRITICAL] <target>: ".
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTitles{{
    {"maxmemory_unset", "no memory limit (maxmemory 0)"},
    {"noeviction", "writes will fail at the limit (noeviction)"},
    {"memory_high", "memory almost full"},
    {"memory_headroom", "too little memory headroom"},
    {"eviction_ineffective", "eviction cannot free memory"},
    {"evicting", "evicting keys"},
    {"oom_rejections", "writes rejected (OOM)"},
    {"command_timeouts", "commands timing out"},
    {"time_to_full", "memory full soon"},
    {"no_ttl_growth", "keys without TTL keep growing"},
    {"fragmentation", "memory fragmented"},
    {"persistence_failing", "persistence (RDB/AOF) failing"},
    {"target_down", "target unreachable"},
    {kTestCheck, "test notification"},
}};

}  // namespace

std::string CheckTitle(std::string_view check) {
  for (const auto& [name, title] : kTitles) {
    if (name == check) return std::string(title);
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
