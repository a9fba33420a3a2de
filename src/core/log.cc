#include "core/log.h"

#include <cstdio>

#include "core/json.h"

namespace evidex {

std::string FormatInstant(Instant t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ",
                FormatDate(DateOf(t)).c_str(),
                static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

void Logger::Log(LogLevel level, std::string_view message,
                 std::initializer_list<LogField> fields) {
  if (level < min_level_) return;
  static constexpr std::string_view kNames[] = {"debug", "info", "warning",
                                                "error"};
  std::string line;
  JsonWriter w(line);
  w.BeginObject();
  w.Key("ts");
  w.String(FormatInstant(clock_.Now()));
  w.Key("level");
  w.String(kNames[static_cast<int>(level)]);
  w.Key("msg");
  w.String(message);
  for (const LogField& f : fields) {
    w.Key(f.key);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            w.String(v);
          } else if constexpr (std::is_same_v<T, bool>) {
            w.Bool(v);
          } else if constexpr (std::is_same_v<T, double>) {
            w.Double(v);
          } else {
            w.Int(v);
          }
        },
        f.value);
  }
  w.EndObject();
  line.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  out_ << line;
  out_.flush();
}

}  // namespace evidex
