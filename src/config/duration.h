// Durations as the config writes them: "250ms", "1s", "2m", "1h", or a sum
// of such parts ("1m30s"). Millisecond resolution, like memwatch::Duration.
#pragma once

#include <string>
#include <string_view>

#include "memwatch/clock.h"
#include "memwatch/result.h"

namespace memwatch::config {

// Parses a duration made of one or more <number><unit> parts, unit one of
// ms, s, m, h; a part may have a decimal fraction ("1.5s") as long as the
// total is a whole number of milliseconds. Zero ("0s") is returned as zero:
// whether it is allowed is the caller's decision. Fails on a missing or
// unknown unit, a sign, spaces, anything finer than 1ms and overflow. The
// error text quotes the input, so never pass a secret.
Result<Duration> ParseDuration(std::string_view text);

// The duration in its largest whole unit, as ParseDuration reads it back:
// "4h", "90s", "250ms", "0s".
std::string FormatDuration(Duration d);

}  // namespace memwatch::config
