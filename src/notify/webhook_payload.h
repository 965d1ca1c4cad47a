// The body POSTed to `type: webhook` receivers: versioned JSON documented
// in docs/webhook.md. Version "1" only ever gains fields; a breaking change
// gets version "2". Pure.
#pragma once

#include <string>

#include "alerting/notification.h"
#include "notify/message_options.h"

namespace memwatch::notify {

inline constexpr const char* kWebhookVersion = "1";

std::string FormatWebhook(const alerting::Notification& n, const MessageOptions& options);

}  // namespace memwatch::notify
