// The JSON form of a Notification, as stored in the outbox. Field names are
// part of the on-disk format (see outbox.h): add fields, never rename.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "alerting/notification.h"
#include "memwatch/result.h"

namespace memwatch::alerting {

nlohmann::json NotificationToJson(const Notification& n);

// Never throws: a missing or mistyped field is an error naming it.
Result<Notification> NotificationFromJson(const nlohmann::json& j);

// "info" | "warning" | "critical" -> Severity; nullopt otherwise.
std::optional<Severity> ParseSeverity(std::string_view name);

// Wall time <-> integer milliseconds since the Unix epoch (lossless).
int64_t ToUnixMillis(WallTime t);
WallTime FromUnixMillis(int64_t ms);

}  // namespace memwatch::alerting
