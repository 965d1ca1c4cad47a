// The status page (GET /) and its JSON (GET /api/v1/status): which Redis is
// in trouble, how close to its limit, when it fills up and what to run,
// rendered on the server from the store's TargetStatus. Pure functions of
// their input. Everything that comes from Redis, the config or a check
// (names, summaries, fix commands) is escaped; the page loads nothing but
// status.css from the daemon itself, and kStatusPageCsp forbids anything
// else. Links are relative, so the page also works behind a proxy that
// serves the daemon under a path prefix.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/target_status.h"

namespace memwatch::metrics {

// Sent with the page: no script at all, styles only from the daemon.
inline constexpr std::string_view kStatusPageCsp =
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

// `targets` most urgent first (MetricsStore::Status); `now_wall` is Unix
// time, for "last seen N s ago".
std::string RenderStatusPage(const std::vector<TargetStatus>& targets, std::string_view version,
                             double now_wall);

// The page's stylesheet, served as /status.css.
std::string_view StatusPageCss();

// The same data as JSON, format version 1 (docs/status-api.md).
std::string RenderStatusJson(const std::vector<TargetStatus>& targets, std::string_view version,
                             double now_wall);

// `text` with & < > " ' as HTML entities.
std::string EscapeHtml(std::string_view text);

}  // namespace memwatch::metrics
