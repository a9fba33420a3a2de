#include "api/range.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace evidex::api {
namespace {

ByteRange Get(std::string_view header, std::uint64_t size) {
  auto r = ParseRange(header, size);
  EXPECT_TRUE(r.has_value()) << header;
  EXPECT_TRUE(r.has_value() && r->has_value()) << header;
  return r.has_value() && r->has_value() ? **r : ByteRange{};
}

TEST(RangeTest, TheThreeFormsOfASingleRange) {
  ByteRange a = Get("bytes=0-99", 1000);
  EXPECT_EQ(a.offset, 0u);
  EXPECT_EQ(a.length, 100u);
  ByteRange b = Get("bytes=500-", 1000);
  EXPECT_EQ(b.offset, 500u);
  EXPECT_EQ(b.length, 500u);
  ByteRange c = Get("bytes=-10", 1000);
  EXPECT_EQ(c.offset, 990u);
  EXPECT_EQ(c.length, 10u);
  // A last byte past the end, or a suffix longer than the file, is clipped.
  EXPECT_EQ(Get("bytes=900-5000", 1000).length, 100u);
  EXPECT_EQ(Get("bytes=-5000", 1000).offset, 0u);
  EXPECT_EQ(ContentRange(a, 1000), "bytes 0-99/1000");
  EXPECT_EQ(ContentRange(b, 1000), "bytes 500-999/1000");
}

TEST(RangeTest, WhatIsIgnoredServesTheWholeFile) {
  for (std::string_view h :
       {"", "items=0-1", "bytes=0-1,5-6", "bytes=abc", "bytes=5-1", "bytes=-",
        "bytes= 0-1", "bytes=0x1-2", "bytes=99999999999999999999-"}) {
    auto r = ParseRange(h, 1000);
    ASSERT_TRUE(r.has_value()) << h;
    EXPECT_FALSE(r->has_value()) << h;
  }
}

TEST(RangeTest, ARangeOutsideTheFileIsUnsatisfiable) {
  for (std::string_view h : {"bytes=1000-", "bytes=1000-2000", "bytes=-0"}) {
    auto r = ParseRange(h, 1000);
    ASSERT_FALSE(r.has_value()) << h;
    EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_FALSE(ParseRange("bytes=0-", 0).has_value());
}

RC_GTEST_PROP(RangeTest, EveryServedRangeLiesInsideTheFile,
              (std::uint32_t size, std::uint32_t first, std::uint32_t last,
               bool suffix)) {
  std::string header =
      suffix ? "bytes=-" + std::to_string(last)
             : "bytes=" + std::to_string(first) + "-" + std::to_string(last);
  auto r = ParseRange(header, size);
  if (!r.has_value() || !r->has_value()) return;
  RC_ASSERT((*r)->length >= 1u);
  RC_ASSERT((*r)->offset + (*r)->length <= size);
}

}  // namespace
}  // namespace evidex::api
