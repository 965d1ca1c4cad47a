// The words people see for a check: a short title for subjects and
// headers ("writes rejected (OOM)"), the Alertmanager alertname and the
// runbook link. Titles come from the check registry
// (checks/check_registry.h), so Slack, email, webhook and Alertmanager agree.
#pragma once

#include <string>
#include <string_view>

namespace memwatch::notify {

// The check name used for `test-alert` notifications.
inline constexpr std::string_view kTestCheck = "test_alert";

// "oom_rejections" -> "writes rejected (OOM)" (the registry's title);
// kTestCheck -> "test notification"; unknown checks read as their name with
// spaces ("new_check" -> "new check").
std::string CheckTitle(std::string_view check);

// "oom_rejections" -> "RedisMemwatchOomRejections".
std::string AlertName(std::string_view check);

// https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#<check>
std::string RunbookUrl(std::string_view check);

}  // namespace memwatch::notify
