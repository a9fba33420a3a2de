#include "workflow/rfc3339.h"

#include <chrono>
#include <cstdint>

namespace evidex::workflow {
namespace {

// Reads `n` digits at `pos`; false if any is not a digit.
bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

void Two(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10 % 10);
  out += static_cast<char>('0' + v % 10);
}

}  // namespace

std::string FormatRfc3339(Instant instant) {
  using namespace std::chrono;
  auto day = floor<days>(instant);
  std::string out = FormatDate(
      Date{static_cast<std::int32_t>(day.time_since_epoch().count())});
  hh_mm_ss<milliseconds> t(instant - day);
  out += 'T';
  Two(out, static_cast<unsigned>(t.hours().count()));
  out += ':';
  Two(out, static_cast<unsigned>(t.minutes().count()));
  out += ':';
  Two(out, static_cast<unsigned>(t.seconds().count()));
  auto ms = static_cast<unsigned>(t.subseconds().count());
  if (ms != 0) {
    out += '.';
    out += static_cast<char>('0' + ms / 100);
    Two(out, ms % 100);
  }
  out += 'Z';
  return out;
}

Result<Instant> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return Err(InvalidArgumentError(
        "`" + std::string(text.substr(0, 40)) +
        "` is not an RFC 3339 date and time such as `2026-11-29T09:30:00Z`"));
  };
  if (text.size() < 19) return bad();
  auto date = ParseDate(text.substr(0, 10));
  if (!date) return bad();
  int hour = 0, minute = 0, second = 0;
  if ((text[10] != 'T' && text[10] != 't') || !Digits(text, 11, 2, hour) ||
      text[13] != ':' || !Digits(text, 14, 2, minute) || text[16] != ':' ||
      !Digits(text, 17, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    std::int64_t scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return bad();
  }
  if (pos == text.size()) {
    return Err(InvalidArgumentError(
        "`" + std::string(text.substr(0, 40)) +
        "` has no time zone: end it with `Z` or an offset such as `+01:00`"));
  }
  std::int64_t offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !Digits(text, pos + 4, 2, om) || oh > 23 ||
        om > 59) {
      return bad();
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  using namespace std::chrono;
  Instant local = Instant(days(date->days_since_epoch)) + hours(hour) +
                  minutes(minute) + seconds(second) + milliseconds(millis);
  return local - minutes(offset_minutes);
}

}  // namespace evidex::workflow
