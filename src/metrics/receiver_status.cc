#include "metrics/receiver_status.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/format.h"
#include "memwatch/escape_html.h"

namespace memwatch::metrics {
namespace {

// One row of a receiver's table: when, target, headline, state (and why).
void AppendRow(std::string* out, const RecentNotification& r, double now_wall) {
  const std::string_view state = StateName(r.state);
  std::string detail;
  if (!r.reason.empty()) detail = ": " + EscapeHtml(r.reason);
  if (r.state == alerting::NotificationResult::kSent && r.attempts > 1) {
    detail = fmt::format(" after {} attempts", r.attempts);
  } else if (r.state == alerting::NotificationResult::kRetried) {
    detail = fmt::format(" (attempt {}){}", r.attempts, detail);
  }
  *out += fmt::format(
      "<tr class=\"{}\"><td class=\"ago\">{} ago</td><td>{}</td><td>{}</td>"
      "<td><span class=\"state\">{}</span>{}</td></tr>",
      state, checks::FormatDuration(std::max(0.0, now_wall - r.updated_at)),
      r.target.empty() ? "unknown" : EscapeHtml(r.target),
      r.headline.empty() ? "unknown" : EscapeHtml(r.headline), state, detail);
}

void AppendReceiver(std::string* out, const ReceiverNotificationStats& s, double now_wall) {
  *out += fmt::format(
      "<div class=\"receiver\"><h3>{}</h3><p class=\"facts\">queue {}; sent {}, retried {}, "
      "failed {}, dropped {}, superseded {}</p>",
      EscapeHtml(s.receiver), s.queue_length, s.sent, s.retried, s.failed, s.dropped, s.superseded);
  if (s.recent.empty()) {
    *out += "<p class=\"facts\">no notifications since the daemon started</p></div>";
    return;
  }
  *out +=
      "<table class=\"notifications\"><tr><th>when</th><th>target</th><th>alerts</th>"
      "<th>state</th></tr>";
  for (const RecentNotification& r : s.recent) AppendRow(out, r, now_wall);
  *out += "</table></div>";
}

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

nlohmann::json RecentJson(const RecentNotification& r) {
  nlohmann::json j{{"id", r.id},
                   {"target", OrNull(r.target)},
                   {"headline", OrNull(r.headline)},
                   {"state", StateName(r.state)},
                   {"reason", OrNull(r.reason)},
                   {"attempts", r.attempts},
                   {"created_at", nullptr},
                   {"updated_at", r.updated_at},
                   {"latency_seconds", nullptr}};
  if (r.created_at) j["created_at"] = *r.created_at;
  if (r.latency_seconds) j["latency_seconds"] = *r.latency_seconds;
  return j;
}

}  // namespace

std::string_view StateName(alerting::NotificationResult state) {
  switch (state) {
    case alerting::NotificationResult::kSent:
      return "sent";
    case alerting::NotificationResult::kRetried:
      return "retrying";
    case alerting::NotificationResult::kFailed:
      return "failed";
    case alerting::NotificationResult::kDropped:
      return "dropped";
    case alerting::NotificationResult::kSuperseded:
      return "superseded";
  }
  return "unknown";
}

void AppendReceiversHtml(std::string* out, const std::vector<ReceiverNotificationStats>& receivers,
                         double now_wall) {
  *out += "<section class=\"receivers\"><h2>Receivers</h2>";
  if (receivers.empty()) *out += "<p class=\"facts\">No receivers configured</p>";
  for (const ReceiverNotificationStats& s : receivers) AppendReceiver(out, s, now_wall);
  *out += "</section>";
}

nlohmann::json ReceiversJson(const std::vector<ReceiverNotificationStats>& receivers) {
  nlohmann::json list = nlohmann::json::array();
  for (const ReceiverNotificationStats& s : receivers) {
    nlohmann::json recent = nlohmann::json::array();
    for (const RecentNotification& r : s.recent) recent.push_back(RecentJson(r));
    list.push_back({{"receiver", s.receiver},
                    {"queue_length", s.queue_length},
                    {"sent", s.sent},
                    {"retried", s.retried},
                    {"failed", s.failed},
                    {"dropped", s.dropped},
                    {"superseded", s.superseded},
                    {"recent", std::move(recent)}});
  }
  return list;
}

}  // namespace memwatch::metrics
