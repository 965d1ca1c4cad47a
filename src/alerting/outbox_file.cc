#include "alerting/outbox_file.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "alerting/notification_json.h"

namespace memwatch::alerting {
namespace {

constexpr int kFormat = 1;

// Invalid UTF-8 (Redis evidence may hold any bytes) becomes U+FFFD instead
// of an exception.
std::string Dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<Take>> ParseTakes(const nlohmann::json& j) {
  std::vector<Take> takes;
  if (!j.is_array()) return Status::Error("\"takes\" is not a list");
  for (const nlohmann::json& e : j) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string() ||
        !IsSafeId(e["id"].get<std::string>())) {
      return Status::Error("a \"takes\" entry without a valid id");
    }
    Take t{e["id"].get<std::string>(), {}};
    if (e.contains("checks")) {
      if (!e["checks"].is_array()) return Status::Error("\"checks\" of a take is not a list");
      for (const nlohmann::json& c : e["checks"]) {
        if (!c.is_string()) return Status::Error("a check name of a take is not a string");
        t.checks.push_back(c.get<std::string>());
      }
    }
    takes.push_back(std::move(t));
  }
  return takes;
}

}  // namespace

bool IsSafeId(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-';
  });
}

std::string FormatPendingFile(const PendingFile& f) {
  nlohmann::json j = {{"format", kFormat}, {"notification", NotificationToJson(f.notification)}};
  if (!f.queue_position.empty() && f.queue_position != f.notification.id) {
    j["queue_position"] = f.queue_position;
  }
  if (!f.takes.empty()) {
    nlohmann::json takes = nlohmann::json::array();
    for (const Take& t : f.takes) {
      nlohmann::json e = {{"id", t.id}};
      if (!t.checks.empty()) e["checks"] = t.checks;
      takes.push_back(std::move(e));
    }
    j["takes"] = std::move(takes);
  }
  return Dump(j);
}

Result<PendingFile> ParsePendingFile(std::string_view id, const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("notification") || !j["format"].is_number_integer() ||
      j["format"].get<int>() != kFormat) {
    return Status::Error("not an outbox file of format 1");
  }
  Result<Notification> n = NotificationFromJson(j["notification"]);
  if (!n.ok()) return n.status();
  if (!IsSafeId(n.value().id) || n.value().id != id) {
    return Status::Error("file name does not match the notification id");
  }
  PendingFile f;
  f.notification = std::move(n).value();
  f.queue_position = f.notification.id;
  if (j.contains("queue_position")) {
    if (!j["queue_position"].is_string() || !IsSafeId(j["queue_position"].get<std::string>())) {
      return Status::Error("\"queue_position\" is not a notification id");
    }
    f.queue_position = j["queue_position"].get<std::string>();
  }
  if (j.contains("takes")) {
    Result<std::vector<Take>> takes = ParseTakes(j["takes"]);
    if (!takes.ok()) return takes.status();
    f.takes = std::move(takes).value();
  }
  return f;
}

std::string FormatFailedFile(const Notification& n, std::string_view reason, WallTime now) {
  return Dump({{"format", kFormat},
               {"failed_reason", reason},
               {"failed_at_unix_ms", ToUnixMillis(now)},
               {"notification", NotificationToJson(n)}});
}

}  // namespace memwatch::alerting
