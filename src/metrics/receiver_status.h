// Each receiver's part of the status page (GET /) and of /api/v1/status:
// its queue, its counters and its last notifications with their delivery
// state. Pure functions of NotificationMetrics::Snapshot(). Everything that
// comes from the config, Redis or a receiver (receiver and target names,
// headlines, reasons) is escaped; the HTML carries class names only, the
// page's stylesheet gives them their look.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/dispatch_observer.h"
#include "metrics/notification_metrics.h"

namespace memwatch::metrics {

// The state as people and the JSON read it: "sent" | "retrying" |
// "failed" | "dropped" | "superseded".
std::string_view StateName(alerting::NotificationResult state);

// Appends <section class="receivers"> with one block per receiver (name,
// queue length, counters, its recent notifications: how long ago, target,
// headline, state, and the reason of a retrying, failed, dropped or
// superseded one); only a "No receivers configured" line when there are
// none. `now_wall`: Unix time, for "N s ago".
void AppendReceiversHtml(std::string* out, const std::vector<ReceiverNotificationStats>& receivers,
                         double now_wall);

// The receivers as a JSON array, one object per receiver:
//   {receiver, queue_length, sent, retried, failed, dropped, superseded,
//    recent: [{id, target, headline, state, reason, attempts, created_at,
//              updated_at, latency_seconds}]}
// Times are Unix seconds. null: reason when there is none (sent),
// latency_seconds unless sent, and target, headline, created_at when the
// dispatcher did not know them (a notification dropped or superseded
// before any attempt).
nlohmann::json ReceiversJson(const std::vector<ReceiverNotificationStats>& receivers);

}  // namespace memwatch::metrics
