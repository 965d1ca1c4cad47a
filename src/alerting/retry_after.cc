#include "alerting/retry_after.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace memwatch::alerting {
namespace {

constexpr size_t kMaxLength = 64;  // the longest valid form is 34 bytes
constexpr int64_t kMaxSeconds = int64_t{100} * 365 * 24 * 3600;

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the header value; each Take* consumes only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool Done() const { return s_.empty(); }

  bool Take(std::string_view literal) {
    if (s_.substr(0, literal.size()) != literal) return false;
    s_.remove_prefix(literal.size());
    return true;
  }
  // Exactly `n` digits.
  std::optional<int> Digits(size_t n) {
    if (s_.size() < n) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!IsDigit(s_[i])) return std::nullopt;
      v = v * 10 + (s_[i] - '0');
    }
    s_.remove_prefix(n);
    return v;
  }
  template <size_t N>
  std::optional<int> OneOf(const std::array<std::string_view, N>& words) {
    for (size_t i = 0; i < N; ++i) {
      if (Take(words[i])) return static_cast<int>(i);
    }
    return std::nullopt;
  }

 private:
  std::string_view s_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "08:49:37" into seconds of the day.
std::optional<int> TimeOfDay(Cursor& c) {
  auto h = c.Digits(2);
  if (!h || !c.Take(":")) return std::nullopt;
  auto m = c.Digits(2);
  if (!m || !c.Take(":")) return std::nullopt;
  auto s = c.Digits(2);
  // 60 is a leap second; accept it rather than fall back to a default.
  if (!s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *s;
}

std::optional<WallTime> Make(int year, int month0, int day, int seconds_of_day) {
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year(year), std::chrono::month(month0 + 1),
                           std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  // Any year 0000-9999 is a valid HTTP-date, but WallTime (nanoseconds)
  // spans only 1678-2262: saturate instead of overflowing.
  constexpr seconds kMin = duration_cast<seconds>(WallTime::min().time_since_epoch());
  constexpr seconds kMax = duration_cast<seconds>(WallTime::max().time_since_epoch());
  const seconds t = sys_days{ymd}.time_since_epoch() + seconds(seconds_of_day);
  return WallTime(std::clamp(t, kMin, kMax));
}

// IMF-fixdate, after the day name: ", 06 Nov 1994 08:49:37 GMT".
std::optional<WallTime> ImfFixdate(Cursor c) {
  if (!c.Take(", ")) return std::nullopt;
  auto day = c.Digits(2);
  if (!day || !c.Take(" ")) return std::nullopt;
  auto month = c.OneOf(kMonths);
  if (!month || !c.Take(" ")) return std::nullopt;
  auto year = c.Digits(4);
  if (!year || !c.Take(" ")) return std::nullopt;
  auto tod = TimeOfDay(c);
  if (!tod || !c.Take(" GMT") || !c.Done()) return std::nullopt;
  return Make(*year, *month, *day, *tod);
}

// RFC 850, after the long day name: ", 06-Nov-94 08:49:37 GMT".
std::optional<WallTime> Rfc850(Cursor c) {
  if (!c.Take(", ")) return std::nullopt;
  auto day = c.Digits(2);
  if (!day || !c.Take("-")) return std::nullopt;
  auto month = c.OneOf(kMonths);
  if (!month || !c.Take("-")) return std::nullopt;
  auto yy = c.Digits(2);
  if (!yy || !c.Take(" ")) return std::nullopt;
  auto tod = TimeOfDay(c);
  if (!tod || !c.Take(" GMT") || !c.Done()) return std::nullopt;
  // Two-digit years: the web was not around before 1970.
  return Make(*yy < 70 ? 2000 + *yy : 1900 + *yy, *month, *day, *tod);
}

// asctime, after the day name: " Nov  6 08:49:37 1994".
std::optional<WallTime> Asctime(Cursor c) {
  if (!c.Take(" ")) return std::nullopt;
  auto month = c.OneOf(kMonths);
  if (!month || !c.Take(" ")) return std::nullopt;
  std::optional<int> day = c.Take(" ") ? c.Digits(1) : c.Digits(2);
  if (!day || !c.Take(" ")) return std::nullopt;
  auto tod = TimeOfDay(c);
  if (!tod || !c.Take(" ")) return std::nullopt;
  auto year = c.Digits(4);
  if (!year || !c.Done()) return std::nullopt;
  return Make(*year, *month, *day, *tod);
}

}  // namespace

std::optional<WallTime> ParseHttpDate(std::string_view value) {
  value = Trim(value);
  if (value.size() > kMaxLength) return std::nullopt;
  Cursor c(value);
  // Long names first: "Sunday" also starts with "Sun".
  if (Cursor long_form = c; long_form.OneOf(kLongDays)) return Rfc850(long_form);
  if (!c.OneOf(kDays)) return std::nullopt;
  if (auto t = ImfFixdate(c)) return t;
  return Asctime(c);
}

std::optional<Duration> ParseRetryAfter(std::string_view value, WallTime now) {
  value = Trim(value);
  if (value.empty() || value.size() > kMaxLength) return std::nullopt;
  if (IsDigit(value.front())) {
    int64_t seconds = 0;
    for (char ch : value) {
      if (!IsDigit(ch)) return std::nullopt;
      seconds = seconds * 10 + (ch - '0');
      if (seconds > kMaxSeconds) seconds = kMaxSeconds;  // saturate; no overflow
    }
    return std::chrono::seconds(seconds);
  }
  auto when = ParseHttpDate(value);
  if (!when) return std::nullopt;
  if (*when <= now) return Duration::zero();
  auto delay = std::chrono::duration_cast<Duration>(*when - now);
  return std::min<Duration>(delay, std::chrono::seconds(kMaxSeconds));
}

}  // namespace memwatch::alerting
