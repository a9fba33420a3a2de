#include "core/time.h"

#include <charconv>

namespace evidex {
namespace {

bool ParseDigits(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<Date> ParseDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseDigits(text.substr(0, 4), y) ||
      !ParseDigits(text.substr(5, 2), m) ||
      !ParseDigits(text.substr(8, 2), d)) {
    return Err(InvalidArgumentError("`" + std::string(text) +
                                    "` is not a date of the form YYYY-MM-DD"));
  }
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || y < 1900 || y > 2999) {
    return Err(InvalidArgumentError("`" + std::string(text) +
                                    "` is not a calendar day"));
  }
  return Date{static_cast<std::int32_t>(
      std::chrono::sys_days(ymd).time_since_epoch().count())};
}

std::string FormatDate(Date date) {
  std::chrono::year_month_day ymd{
      std::chrono::sys_days(std::chrono::days(date.days_since_epoch))};
  char buf[11];
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month());
  unsigned d = static_cast<unsigned>(ymd.day());
  buf[0] = static_cast<char>('0' + y / 1000 % 10);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  buf[10] = '\0';
  return std::string(buf, 10);
}

Date DateOf(Instant instant) {
  auto days = std::chrono::floor<std::chrono::days>(instant);
  return Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
}

Result<std::int64_t> ParseDurationSeconds(std::string_view text) {
  auto bad = [&](const char* why) {
    return Err(InvalidArgumentError("`" + std::string(text) +
                                    "` is not a duration: " + why));
  };
  if (text.size() < 3 || text[0] != 'P') {
    return bad("expected an ISO 8601 duration such as `P10D` or `PT8H`");
  }
  std::int64_t total = 0;
  bool in_time = false, any = false;
  // Units in the order ISO 8601 requires them; each at most once.
  constexpr std::string_view kDateUnits = "WD", kTimeUnits = "HMS";
  std::size_t next_unit = 0;
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] == 'T') {
      if (in_time) return bad("`T` appears twice");
      in_time = true;
      next_unit = 0;
      ++i;
      if (i == text.size()) return bad("nothing follows `T`");
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i == text.size()) {
      return bad("expected a number followed by a unit");
    }
    if (i - start > 9) return bad("number too large");
    int n = 0;
    ParseDigits(text.substr(start, i - start), n);
    char unit = text[i++];
    std::string_view units = in_time ? kTimeUnits : kDateUnits;
    std::size_t pos = units.find(unit);
    if (pos == std::string_view::npos) {
      if (!in_time && (unit == 'Y' || unit == 'M')) {
        return bad("years and months have no fixed length");
      }
      return bad("unknown unit");
    }
    if (pos < next_unit) return bad("units out of order or repeated");
    next_unit = pos + 1;
    static constexpr std::int64_t kDateSeconds[] = {7 * 86400, 86400};
    static constexpr std::int64_t kTimeSeconds[] = {3600, 60, 1};
    total += n * (in_time ? kTimeSeconds[pos] : kDateSeconds[pos]);
    any = true;
  }
  if (!any) return bad("no amount given");
  return total;
}

Instant SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
}

}  // namespace evidex
