// Parsing of the HTTP Retry-After header (RFC 9110 section 10.2.3), which
// is untrusted input: any byte sequence must be handled without crashing,
// overflowing or allocating much. Pure; `now` is only used to turn an
// HTTP-date into a delay.
#pragma once

#include <optional>
#include <string_view>

#include "memwatch/clock.h"

namespace memwatch::alerting {

// Returns the delay the server asked for: "120" (delay-seconds) or an
// HTTP-date in any of the three forms RFC 9110 requires recipients to
// accept ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
// "Sun Nov  6 08:49:37 1994"). Surrounding spaces and tabs are ignored. A
// date in the past gives zero; huge numbers saturate at 100 years (callers
// clamp). Returns nullopt for anything else (empty, negative, fractional,
// other date formats, impossible dates such as 31 Feb).
std::optional<Duration> ParseRetryAfter(std::string_view value, WallTime now);

// Just the HTTP-date part: seconds since the Unix epoch, or nullopt.
std::optional<WallTime> ParseHttpDate(std::string_view value);

}  // namespace memwatch::alerting
