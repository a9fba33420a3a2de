#include "core/json.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>

namespace evidex {
namespace {

TEST(ParseJsonTest, ParsesObject) {
  auto v = ParseJson(R"({"a": [1, true, null, "x"], "b": {"c": 2.5}})");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ(v->at("a").as_array().size(), 4u);
  EXPECT_EQ(v->at("b").at("c").as_double(), 2.5);
}

TEST(ParseJsonTest, RejectsDuplicateKeyAndNamesIt) {
  auto v = ParseJson("{\"a\": 1,\n \"a\": 2}");
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(v.error().message().find("the key `a` appears twice"),
            std::string::npos)
      << v.error().message();
  EXPECT_NE(v.error().message().find("line 2"), std::string::npos);
}

TEST(ParseJsonTest, DuplicateKeysWhenAllowedKeepTheLast) {
  auto v = ParseJson(R"({"a": 1, "a": 2})",
                     JsonLimits{.allow_duplicate_keys = true});
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  EXPECT_EQ(v->as_object().size(), 1u);
  EXPECT_EQ(v->at("a").as_int64(), 2);
}

TEST(ParseJsonTest, SameKeyInSiblingObjectsIsFine) {
  auto v = ParseJson(R"([{"a": 1}, {"a": 2, "b": {"a": 3}}])");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
}

TEST(ParseJsonTest, ReportsLineAndColumn) {
  auto v = ParseJson("{\n  \"a\": tru\n}");
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("line 2"), std::string::npos)
      << v.error().message();
}

TEST(ParseJsonTest, RejectsTrailingData) {
  EXPECT_FALSE(ParseJson("{} {}").has_value());
  EXPECT_FALSE(ParseJson("").has_value());
}

TEST(ParseJsonTest, LimitsDepth) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_FALSE(ParseJson(deep).has_value());
  EXPECT_TRUE(ParseJson(deep, JsonLimits{.max_depth = 64}).has_value());
}

TEST(ParseJsonTest, RoundsDecimalTextToTheNearestDouble) {
  auto v = ParseJson("[333333333.33333329, 1E30, 4.50, 2e-3, -0.0]");
  ASSERT_TRUE(v.has_value()) << v.error().ToString();
  const auto& a = v->as_array();
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a[0].as_double()),
            std::uint64_t{0x41b3de4355555555});
  EXPECT_EQ(a[1].as_double(), 1e30);
  EXPECT_EQ(a[2].as_double(), 4.5);
  EXPECT_EQ(a[3].as_double(), 0.002);
  EXPECT_TRUE(std::signbit(a[4].as_double()));
}

TEST(ParseJsonTest, RejectsInvalidUtf8) {
  EXPECT_FALSE(ParseJson("\"\xff\"").has_value());
}

TEST(JsonWriterTest, WritesNestedValues) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(-3);
  w.Bool(true);
  w.Null();
  w.StringOrNull("");
  w.StringOrNull("x");
  w.EndArray();
  w.Key("b");
  w.BeginObject();
  w.EndObject();
  w.Key("c");
  w.String("q\"\\\n\x01");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":[-3,true,null,null,"x"],"b":{},"c":"q\"\\\n\u0001"})");
}

TEST(JsonWriterTest, OutputParsesBack) {
  std::string out;
  JsonWriter w(out);
  w.BeginArray();
  w.String("tab\there \xc3\xa9");
  w.EndArray();
  auto v = ParseJson(out);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->as_array()[0].as_string(), "tab\there \xc3\xa9");
}

}  // namespace
}  // namespace evidex

namespace evidex {
namespace {

// Many keys in one object: each key is checked against the others in constant
// time, so a large body cannot make the parser spend quadratic time; the repeat
// at the very end is still found.
TEST(ParseJsonTest, ManyKeysAndALateRepeat) {
  std::string text = "{";
  for (int i = 0; i < 50000; ++i) text += "\"k" + std::to_string(i) + "\":0,";
  text += "\"k7\":1}";
  auto v = ParseJson(text);
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message().find("the key `k7` appears twice"),
            std::string::npos);
  text.replace(text.size() - 6, 2, "zz");  // the last key becomes `zz`
  EXPECT_TRUE(ParseJson(text).has_value());
}

}  // namespace
}  // namespace evidex
