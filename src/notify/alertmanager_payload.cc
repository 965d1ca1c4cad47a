#include "notify/alertmanager_payload.h"

#include <nlohmann/json.hpp>

#include "notify/check_titles.h"
#include "notify/text_util.h"
#include "notify/time_format.h"

namespace memwatch::notify {
namespace {

using Json = nlohmann::ordered_json;

std::string Description(const alerting::Alert& a) {
  std::string d;
  for (const Evidence& e : a.evidence) d += e.name + ": " + e.value + "\n";
  if (!a.fix.empty()) {
    if (!d.empty()) d += '\n';
    d += "Fix:\n";
    d += a.fix;
  }
  while (!d.empty() && d.back() == '\n') d.pop_back();
  return d;
}

Json Element(const alerting::Notification& n, const alerting::Alert& a, Severity severity,
             WallTime ends_at, const AlertmanagerOptions& options) {
  Json labels;
  labels["alertname"] = AlertName(a.check);
  labels["target"] = n.target;
  labels["check"] = a.check;
  labels["severity"] = SeverityName(severity);
  if (n.test) labels["test"] = "true";
  Json annotations;
  annotations["summary"] = a.summary;
  annotations["title"] = CheckTitle(a.check);
  annotations["description"] = Description(a);
  annotations["runbook_url"] = RunbookUrl(a.check);
  Json j;
  j["labels"] = std::move(labels);
  j["annotations"] = std::move(annotations);
  j["startsAt"] = FormatRfc3339(a.started_at);
  j["endsAt"] = FormatRfc3339(ends_at);
  if (const std::string url = SafeLinkUrl(options.message.external_url); !url.empty()) {
    j["generatorURL"] = url;
  }
  return j;
}

}  // namespace

std::string FormatAlertmanager(const alerting::Notification& n, WallTime now,
                               const AlertmanagerOptions& options) {
  Json body = Json::array();
  for (const alerting::Alert& a : n.alerts) {
    if (a.previous_severity && *a.previous_severity != a.severity) {
      body.push_back(Element(n, a, *a.previous_severity, n.created_at, options));
    }
    // Resolved: when the evaluation saw it end, however late this is sent.
    const WallTime ends_at =
        a.resolved ? a.ended_at.value_or(n.created_at)
                   : now + std::chrono::duration_cast<WallTime::duration>(options.firing_ttl);
    body.push_back(Element(n, a, a.severity, ends_at, options));
  }
  return body.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace memwatch::notify
