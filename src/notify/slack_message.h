// The Slack incoming-webhook body for a notification: Block Kit blocks plus
// a `text` fallback (what phones show in the push notification). Pure.
//
// Layout: a header block with the headline; when there are several alerts,
// a section counting them; one section per alert (what is happening, the
// evidence numbers, the fix, when it started) for the first
// kMaxDetailedAlerts; one section listing the rest by title; a context
// block with the dashboard link and the notification id.
//
// Slack rejects a message with more than 50 blocks or a section text over
// 3,000 characters (invalid_blocks, a permanent 400). Both are respected
// whatever the number or size of the findings: long texts are cut at a
// UTF-8 boundary with "…", alerts beyond the first 20 are listed compactly
// and that list is cut too.
#pragma once

#include <cstddef>
#include <string>

#include "alerting/notification.h"
#include "notify/message_options.h"

namespace memwatch::notify {

inline constexpr size_t kSlackMaxBlocks = 50;
inline constexpr size_t kSlackMaxSectionText = 3000;
inline constexpr size_t kSlackMaxHeaderText = 150;
inline constexpr size_t kMaxDetailedAlerts = 20;

// The JSON body, indented (readable in golden files, tiny next to limits).
std::string FormatSlackMessage(const alerting::Notification& n, const MessageOptions& options);

}  // namespace memwatch::notify
