// Wall-clock times as the four audiences want them. Pure: the time is an
// argument, always rendered in UTC.
#pragma once

#include <string>

#include "memwatch/clock.h"

namespace memwatch::notify {

// "2024-05-01T12:00:03.250Z" (Alertmanager, webhook).
std::string FormatRfc3339(WallTime t);
// "Wed, 01 May 2024 12:00:03 +0000" (the email Date header, RFC 5322).
std::string FormatRfc5322(WallTime t);
// "2024-05-01 12:00:03 UTC" (what people read).
std::string FormatHuman(WallTime t);

}  // namespace memwatch::notify
