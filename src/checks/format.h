// Numbers as people read them in summaries and evidence: binary units for
// bytes, the coarsest sensible unit for durations and rates. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace memwatch::checks {

// 3.2 GiB, 512 KiB, 17 B. One decimal below 100 of the unit, trailing ".0"
// dropped ("4 GiB"). Negative values keep their sign.
std::string FormatBytes(int64_t bytes);

// 45 s, 14 min, 3 h 20 min, 2 d 5 h; "never" for +infinity.
std::string FormatDuration(double seconds);

// 0.853 -> "85.3%", 0.8 -> "80%".
std::string FormatPercent(double fraction);

// 1234567 -> "1,234,567".
std::string FormatCount(int64_t n);

// Unix time as people read it, in UTC to the minute: "2026-12-21 14:05 UTC".
std::string FormatUtcTime(int64_t unix_seconds);

// A plain number with at most one decimal below 10: 6, 6.3, 120.
std::string FormatNumber(double v);

// "6 keys/min": per second, per minute or per hour, whichever reads >= 1.
std::string FormatCountRate(double per_second, std::string_view noun);

// "2.1 MiB/h", "40 MiB/min", "3 MiB/s": per hour unless that is >= 1 GiB/h.
std::string FormatByteRate(double bytes_per_second);

}  // namespace memwatch::checks
