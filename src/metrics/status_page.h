// The status page (GET /) and its JSON (GET /api/v1/status): which Redis is
// in trouble, how close to its limit, when it fills up and what to run,
// rendered on the server from the store's TargetStatus. Pure functions of
// their input. Everything that comes from Redis, the config or a check
// (names, summaries, fix commands) is escaped; a page loads nothing but
// status.css and status.js from the daemon itself, and kStatusPageCsp
// forbids anything else. The script only fetches the same page again every
// refresh interval and swaps its content in, so there is no reload flash
// (without script the page is complete, just not refreshed). Links are
// relative, so the pages also work behind a proxy that serves the daemon
// under a path prefix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/notification_metrics.h"
#include "metrics/target_status.h"

namespace memwatch::metrics {

// Sent with every page: scripts, styles and requests only to the daemon
// itself (status.js, status.css, the page's own refresh).
inline constexpr std::string_view kStatusPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

struct PageContext {
  std::string_view version;    // the daemon's
  double now_wall = 0;         // Unix time, for "last seen N s ago"
  double refresh_seconds = 1;  // the poll interval; the page refreshes no faster than 1 s
  // Alert delivery, per receiver (NotificationMetrics::Snapshot), shown on
  // the index and in the JSON.
  std::vector<ReceiverNotificationStats> receivers;
};

// GET /: `targets` most urgent first (MetricsStore::Status).
std::string RenderStatusPage(const std::vector<TargetStatus>& targets, const PageContext& ctx);

// GET /targets/NAME: one target with every finding's evidence and its
// recent poll errors.
std::string RenderTargetPage(const TargetStatus& target, const PageContext& ctx);

// The stylesheet (/status.css) and the script that refreshes a page in
// place (/status.js), both served by the daemon.
std::string_view StatusPageCss();
std::string_view StatusPageScript();
// The page's icon (/favicon.svg).
std::string_view StatusPageIcon();

// The data of GET / as JSON, format version 1 (docs/status-api.md).
std::string RenderStatusJson(const std::vector<TargetStatus>& targets, const PageContext& ctx);

}  // namespace memwatch::metrics
