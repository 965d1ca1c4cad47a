#include "notify/webhook_payload.h"

#include <nlohmann/json.hpp>

#include "notify/check_titles.h"
#include "notify/headline.h"
#include "notify/time_format.h"

namespace memwatch::notify {

std::string FormatWebhook(const alerting::Notification& n, const MessageOptions& options) {
  using Json = nlohmann::ordered_json;
  Json alerts = Json::array();
  for (const alerting::Alert& a : n.alerts) {
    Json evidence = Json::array();
    for (const Evidence& e : a.evidence) evidence.push_back({{"name", e.name}, {"value", e.value}});
    Json j;
    j["status"] = a.resolved ? "resolved" : "firing";
    j["check"] = a.check;
    j["title"] = CheckTitle(a.check);
    j["severity"] = SeverityName(a.severity);
    j["previous_severity"] =
        a.previous_severity ? Json(SeverityName(*a.previous_severity)) : Json(nullptr);
    j["repeat"] = a.repeat;
    j["summary"] = a.summary;
    j["evidence"] = std::move(evidence);
    j["fix"] = a.fix;
    j["started_at"] = FormatRfc3339(a.started_at);
    j["resolved_at"] =
        a.resolved ? Json(FormatRfc3339(a.ended_at.value_or(n.created_at))) : Json(nullptr);
    j["runbook_url"] = RunbookUrl(a.check);
    alerts.push_back(std::move(j));
  }
  Json body;
  body["version"] = kWebhookVersion;
  body["id"] = n.id;
  body["test"] = n.test;
  body["status"] = alerting::FiringCount(n) > 0 ? "firing" : "resolved";
  body["title"] = Headline(n);
  body["receiver"] = n.receiver;
  body["target"] = n.target;
  body["severity"] = SeverityName(alerting::HighestSeverity(n));
  body["created_at"] = FormatRfc3339(n.created_at);
  body["external_url"] = options.external_url.empty() ? Json(nullptr) : Json(options.external_url);
  body["alerts"] = std::move(alerts);
  return body.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace memwatch::notify
