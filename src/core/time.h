// Dates, instants and durations as the law uses them, and the injectable clock.
//
// A Date is a calendar day (UTC), written YYYY-MM-DD on the wire. A Duration is
// a fixed length of time written as an ISO 8601 duration restricted to days,
// hours, minutes and seconds (`P10D`, `PT8H`, `P1DT12H`): a day is 24 hours,
// counted in UTC from the recorded moment of receipt. Years and months are
// refused because their length varies ("31 May plus one month" needs a rounding
// rule the law would have to state). Weeks are accepted as 7 days.
//
// Nothing here reads the system clock except SystemClock; everything else takes
// a Clock, so that tests control time. All types are values and
// thread-compatible; SystemClock is thread-safe.
#ifndef EVIDEX_CORE_TIME_H_
#define EVIDEX_CORE_TIME_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace evidex {

using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

struct Date {
  std::int32_t days_since_epoch = 0;  // 1970-01-01 is 0
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Parses exactly `YYYY-MM-DD` (a real calendar day between 1900 and 2999).
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date date);
// The UTC calendar day of `instant`.
Date DateOf(Instant instant);

// Parses an ISO 8601 duration of days, hours, minutes and seconds into seconds.
// Fails with kInvalidArgument for anything else, including years, months and
// fractions.
Result<std::int64_t> ParseDurationSeconds(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

// The operating system's clock, in UTC.
class SystemClock final : public Clock {
 public:
  Instant Now() const override;
};

}  // namespace evidex

#endif  // EVIDEX_CORE_TIME_H_
