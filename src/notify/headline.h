// The one line that names a notification: the email subject, the Slack
// header and fallback text, the webhook's "title".
//   [CRITICAL] coupon-redis: writes rejected (OOM)
//   [CRITICAL] coupon-redis: writes rejected (OOM) (+2 more)
//   [RESOLVED] coupon-redis: memory almost full
//   [TEST] redis-memwatch: test notification to receiver oncall
#pragma once

#include <string>

#include "alerting/notification.h"

namespace memwatch::notify {

// "CRITICAL" | "WARNING" | "INFO".
std::string SeverityLabel(Severity s);

// Requires !n.alerts.empty(). The first alert is the headline's subject:
// AlertState orders firing before resolved, most severe first.
std::string Headline(const alerting::Notification& n);

// "CRITICAL" or, after a change, "CRITICAL (was WARNING)"; "RESOLVED".
std::string StatusLabel(const alerting::Alert& a);

// The line saying when: "Started 2024-05-01 12:00:03 UTC",
// "Still firing since ...", "Started ..., resolved ...".
std::string WhenLine(const alerting::Alert& a, WallTime created_at);

}  // namespace memwatch::notify
