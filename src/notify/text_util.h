// Small text helpers the formatters share: escaping for each medium and
// limit-respecting truncation. Pure.
#pragma once

#include <string>
#include <string_view>

#include "memwatch/escape_html.h"  // EscapeHtml, for the e-mail body

namespace memwatch::notify {

// The longest prefix of `s` of at most `max_bytes` bytes that does not cut a
// UTF-8 sequence; when it had to cut, ends with "…" (counted in the limit).
std::string TruncateUtf8(std::string_view s, size_t max_bytes);

// & < > as Slack requires in mrkdwn text; keeps "<!channel>"-style
// mentions from Redis or config text from pinging anyone.
std::string EscapeSlack(std::string_view s);

// `url` if it is an http(s) URL without spaces, quotes or angle brackets,
// else "" (a config typo must not become a javascript: link).
std::string SafeLinkUrl(std::string_view url);

// CR, LF and other control characters replaced by spaces (header values).
std::string OneLine(std::string_view s);

}  // namespace memwatch::notify
