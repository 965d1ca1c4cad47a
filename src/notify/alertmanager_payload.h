// The body for Alertmanager's POST /api/v2/alerts: one element per alert,
// identified by the labels alertname (RedisMemwatchOomRejections), target,
// check and severity. Pure.
//
// Alertmanager resolves an alert by itself when its endsAt passes. So a
// firing alert gets endsAt = now + firing_ttl and is re-posted (every
// kAlertmanagerRepeatInterval, one minute) while it fires; a resolved one
// gets endsAt = the evaluation that saw it end. After a severity change the old severity's alert, a
// different label set to Alertmanager, is ended in the same post.
#pragma once

#include <string>

#include "alerting/notification.h"
#include "memwatch/clock.h"
#include "notify/message_options.h"

namespace memwatch::notify {

struct AlertmanagerOptions {
  MessageOptions message;
  // Five missed re-posts before Alertmanager ends a firing alert on its own
  // (for instance because redis-memwatch died).
  Duration firing_ttl = std::chrono::minutes(5);
};

// `now`: the time of sending (a notification may wait in the outbox), the
// base of a firing alert's endsAt.
std::string FormatAlertmanager(const alerting::Notification& n, WallTime now,
                               const AlertmanagerOptions& options);

}  // namespace memwatch::notify
