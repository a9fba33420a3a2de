#include "core/time.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace evidex {
namespace {

TEST(DateTest, ParsesAndFormats) {
  auto d = ParseDate("2026-11-29");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(FormatDate(*d), "2026-11-29");
  EXPECT_EQ(ParseDate("1970-01-01")->days_since_epoch, 0);
  EXPECT_EQ(ParseDate("2024-02-29")->days_since_epoch -
                ParseDate("2024-02-28")->days_since_epoch,
            1);
}

TEST(DateTest, RejectsMalformedAndImpossibleDays) {
  for (const char* bad :
       {"2026-1-29", "2026/11/29", "2025-02-29", "2026-13-01",
        "2026-11-29T00:00:00Z", "", "+026-11-29", "1899-12-31"}) {
    auto d = ParseDate(bad);
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_EQ(d.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(DateTest, DateOfInstantIsUtcDay) {
  Instant t = std::chrono::sys_days(std::chrono::year(2026) / 11 / 29) +
              std::chrono::hours(23) + std::chrono::minutes(59);
  EXPECT_EQ(FormatDate(DateOf(t)), "2026-11-29");
}

RC_GTEST_PROP(DateProperty, FormatThenParseIsIdentity, ()) {
  const int days = *rc::gen::inRange(-25567, 376199);  // 1900-01-01..2999-12-31
  Date d{days};
  auto back = ParseDate(FormatDate(d));
  RC_ASSERT(back.has_value());
  RC_ASSERT(back->days_since_epoch == days);
}

TEST(DurationTest, ParsesLegalDeadlines) {
  EXPECT_EQ(ParseDurationSeconds("P10D").value(), 10 * 86400);
  EXPECT_EQ(ParseDurationSeconds("PT8H").value(), 8 * 3600);
  EXPECT_EQ(ParseDurationSeconds("PT96H").value(), 96 * 3600);
  EXPECT_EQ(ParseDurationSeconds("P1DT12H").value(), 36 * 3600);
  EXPECT_EQ(ParseDurationSeconds("P2W").value(), 14 * 86400);
  EXPECT_EQ(ParseDurationSeconds("PT1M30S").value(), 90);
}

TEST(DurationTest, RefusesCalendarUnitsAndJunk) {
  for (const char* bad :
       {"P1M", "P1Y", "P", "PT", "10D", "P10", "PT8D", "P1.5D", "PD", "PT8H8H",
        "P1DT", "P1D2W", "P9999999999D"}) {
    auto r = ParseDurationSeconds(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_NE(
      ParseDurationSeconds("P1M").error().message().find("no fixed length"),
      std::string::npos);
}

}  // namespace
}  // namespace evidex
