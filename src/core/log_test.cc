#include "core/log.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/json.h"

namespace evidex {
namespace {

class FixedClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::sys_days(std::chrono::year(2026) / 11 / 29) +
           std::chrono::hours(9) + std::chrono::milliseconds(1234);
  }
};

TEST(LogTest, WritesOneJsonObjectPerLine) {
  std::ostringstream out;
  FixedClock clock;
  Logger log(out, clock);
  log.Info("request", {{"request_id", std::string_view("r1")},
                       {"status", std::int64_t{200}},
                       {"ms", 1.5},
                       {"tls", false}});
  log.Log(LogLevel::kDebug, "hidden", {});
  EXPECT_EQ(out.str(),
            "{\"ts\":\"2026-11-29T09:00:01.234Z\",\"level\":\"info\",\"msg\":"
            "\"request\","
            "\"request_id\":\"r1\",\"status\":200,\"ms\":1.5,\"tls\":false}\n");
}

TEST(LogTest, EscapesFields) {
  std::ostringstream out;
  FixedClock clock;
  Logger log(out, clock);
  log.Error("bad \"input\"\n", {{"path", std::string_view("/a\nb")}});
  std::string line = out.str();
  ASSERT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  auto v = ParseJson(line.substr(0, line.size() - 1));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->at("msg").as_string(), "bad \"input\"\n");
  EXPECT_EQ(v->at("level").as_string(), "error");
}

TEST(LogTest, FormatInstantIsRfc3339Utc) {
  EXPECT_EQ(FormatInstant(Instant{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace evidex
