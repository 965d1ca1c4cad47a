// HTML escaping, shared by the e-mail body (notify) and the status page
// (metrics): what comes from Redis, the config or a check stays text.
#pragma once

#include <string>
#include <string_view>

namespace memwatch {

// `text` with & < > " ' as HTML entities; safe in element content and in
// quoted attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace memwatch
