// Structured logs: one JSON object per line, with a timestamp, a level, a
// message and fields.
//
// Log lines carry identifiers (request ids, case ids, organisation ids), never
// secrets: callers must not pass passwords, tokens, session secrets, request
// bodies or personal data as fields. The Logger is thread-safe: lines from
// several threads never interleave.
#ifndef EVIDEX_CORE_LOG_H_
#define EVIDEX_CORE_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "core/time.h"

namespace evidex {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct LogField {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

class Logger {
 public:
  // Writes to `out` (which must outlive the logger) lines at `min_level` and
  // above.
  Logger(std::ostream& out, const Clock& clock,
         LogLevel min_level = LogLevel::kInfo)
      : out_(out), clock_(clock), min_level_(min_level) {}

  void Log(LogLevel level, std::string_view message,
           std::initializer_list<LogField> fields);
  void Info(std::string_view message,
            std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, message, fields);
  }
  void Warning(std::string_view message,
               std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarning, message, fields);
  }
  void Error(std::string_view message,
             std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, message, fields);
  }

 private:
  std::ostream& out_;
  const Clock& clock_;
  LogLevel min_level_;
  std::mutex mu_;
};

// Formats an instant as RFC 3339 UTC with milliseconds:
// 2026-11-29T12:00:00.000Z.
std::string FormatInstant(Instant t);

}  // namespace evidex

#endif  // EVIDEX_CORE_LOG_H_
