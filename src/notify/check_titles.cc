#include "notify/check_titles.h"

#include <utility>

#include "checks/check_registry.h"

namespace memwatch::notify {
namespace {

constexpr std::string_view kRunbook =
    "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#";

}  // namespace

std::string CheckTitle(std::string_view check) {
  if (check == kTestCheck) return "test notification";
  if (const checks::CheckSpec* spec = checks::FindCheck(check); spec != nullptr) {
    return std::string(spec->title);
  }
  if (const checks::GroupCheckSpec* group = checks::FindGroupCheck(check); group != nullptr) {
    return std::string(group->title);
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
