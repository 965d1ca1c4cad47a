#include "alerting/notification_json.h"

#include <nlohmann/json.hpp>

namespace memwatch::alerting {
namespace {

using nlohmann::json;

json AlertToJson(const Alert& a) {
  json evidence = json::array();
  for (const Evidence& e : a.evidence) evidence.push_back({{"name", e.name}, {"value", e.value}});
  json j = {{"check", a.check},       {"severity", SeverityName(a.severity)},
            {"summary", a.summary},   {"evidence", std::move(evidence)},
            {"fix", a.fix},           {"started_at_unix_ms", ToUnixMillis(a.started_at)},
            {"resolved", a.resolved}, {"repeat", a.repeat}};
  if (a.previous_severity) j["previous_severity"] = SeverityName(*a.previous_severity);
  if (a.ended_at) j["ended_at_unix_ms"] = ToUnixMillis(*a.ended_at);
  return j;
}

// Reads j[key] as T; throws json exceptions on absence or wrong type, which
// NotificationFromJson turns into an error value.
template <typename T>
T Get(const json& j, const char* key) {
  return j.at(key).get<T>();
}

Severity GetSeverity(const json& j, const char* key) {
  auto s = ParseSeverity(Get<std::string>(j, key));
  if (!s) throw std::invalid_argument(std::string("unknown severity in ") + key);
  return *s;
}

Alert AlertFromJson(const json& j) {
  Alert a;
  a.check = Get<std::string>(j, "check");
  a.severity = GetSeverity(j, "severity");
  if (j.contains("previous_severity")) a.previous_severity = GetSeverity(j, "previous_severity");
  a.summary = Get<std::string>(j, "summary");
  for (const json& e : j.at("evidence")) {
    a.evidence.push_back({Get<std::string>(e, "name"), Get<std::string>(e, "value")});
  }
  a.fix = Get<std::string>(j, "fix");
  a.started_at = FromUnixMillis(Get<int64_t>(j, "started_at_unix_ms"));
  a.resolved = Get<bool>(j, "resolved");
  a.repeat = j.value("repeat", false);
  if (j.contains("ended_at_unix_ms"))
    a.ended_at = FromUnixMillis(Get<int64_t>(j, "ended_at_unix_ms"));
  return a;
}

}  // namespace

json NotificationToJson(const Notification& n) {
  json alerts = json::array();
  for (const Alert& a : n.alerts) alerts.push_back(AlertToJson(a));
  return {{"id", n.id},
          {"target", n.target},
          {"receiver", n.receiver},
          {"created_at_unix_ms", ToUnixMillis(n.created_at)},
          {"test", n.test},
          {"alerts", std::move(alerts)}};
}

Result<Notification> NotificationFromJson(const json& j) {
  try {
    Notification n;
    n.id = Get<std::string>(j, "id");
    n.target = Get<std::string>(j, "target");
    n.receiver = Get<std::string>(j, "receiver");
    n.created_at = FromUnixMillis(Get<int64_t>(j, "created_at_unix_ms"));
    n.test = j.value("test", false);
    for (const json& a : j.at("alerts")) n.alerts.push_back(AlertFromJson(a));
    if (n.alerts.empty()) return Status::Error("notification without alerts");
    return n;
  } catch (const std::exception& e) {
    return Status::Error(std::string("malformed notification: ") + e.what());
  }
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

int64_t ToUnixMillis(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

WallTime FromUnixMillis(int64_t ms) {
  return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace memwatch::alerting
