#include "workflow/rfc3339.h"

#include <gtest/gtest.h>

namespace evidex::workflow {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339Test, ReadsUtcAndOffsetsToTheSameInstant) {
  auto utc = ParseRfc3339("2026-11-02T20:14:05Z");
  auto paris = ParseRfc3339("2026-11-02T21:14:05+01:00");
  auto azores = ParseRfc3339("2026-11-02t19:14:05-01:00");
  ASSERT_TRUE(utc && paris && azores);
  EXPECT_EQ(*utc, *paris);
  EXPECT_EQ(*utc, *azores);
  EXPECT_EQ(FormatRfc3339(*paris), "2026-11-02T20:14:05Z");
}

TEST(Rfc3339Test, KeepsMillisecondsAndTruncatesFinerFractions) {
  auto t = ParseRfc3339("2026-11-02T20:14:05.1239Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-02T20:14:05.123Z");
  EXPECT_EQ(FormatRfc3339(*t - 123ms), "2026-11-02T20:14:05Z");
}

TEST(Rfc3339Test, RefusesATimeWithoutZone) {
  auto t = ParseRfc3339("2026-11-02T21:14:05");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(t.error().message(),
            "`2026-11-02T21:14:05` has no time zone: end it with `Z` or an "
            "offset such as `+01:00`");
}

TEST(Rfc3339Test, RefusesMalformedTimes) {
  for (const char* bad :
       {"", "2026-11-02", "2026-11-02 21:14:05Z", "2026-11-31T21:14:05Z",
        "2026-11-02T24:00:00Z", "2026-11-02T21:60:00Z", "2026-11-02T21:14:05.Z",
        "2026-11-02T21:14:05+1:00", "2026-11-02T21:14:05+01:00x",
        "2026-11-02T21:14:05CET"}) {
    auto t = ParseRfc3339(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().message().find("is not an RFC 3339 date and time"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace evidex::workflow
