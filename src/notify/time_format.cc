#include "notify/time_format.h"

#include <ctime>

#include <fmt/format.h>

namespace memwatch::notify {
namespace {

struct Parts {
  std::tm tm{};
  int millis = 0;
};

Parts Split(WallTime t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  Parts p;
  p.millis = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  gmtime_r(&secs, &p.tm);
  return p;
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string FormatRfc3339(WallTime t) {
  const Parts p = Split(t);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", p.tm.tm_year + 1900,
                     p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec,
                     p.millis);
}

std::string FormatRfc5322(WallTime t) {
  const Parts p = Split(t);
  return fmt::format("{}, {:02d} {} {:04d} {:02d}:{:02d}:{:02d} +0000", kDays[p.tm.tm_wday],
                     p.tm.tm_mday, kMonths[p.tm.tm_mon], p.tm.tm_year + 1900, p.tm.tm_hour,
                     p.tm.tm_min, p.tm.tm_sec);
}

std::string FormatHuman(WallTime t) {
  const Parts p = Split(t);
  return fmt::format("{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d} UTC", p.tm.tm_year + 1900,
                     p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec);
}

}  // namespace memwatch::notify
