#include "api/json_body.h"

#include <gtest/gtest.h>

namespace evidex::api {
namespace {

TEST(JsonBodyTest, ReadsFieldsAndKeepsTheFirstError) {
  auto v = ParseBody(
      R"({"name": "x", "n": 5, "ok": true, "tags": ["a", "b"], "sub": {"k": 1}})");
  ASSERT_TRUE(v.has_value());
  FieldReader r(v->as_object());
  EXPECT_EQ(r.String("name"), "x");
  EXPECT_EQ(r.Int("n", 0, 10).value(), 5);
  EXPECT_TRUE(r.Bool("ok").value());
  EXPECT_EQ(r.Strings("tags", 5), (std::vector<std::string>{"a", "b"}));
  ASSERT_NE(r.Object("sub"), nullptr);
  EXPECT_EQ(r.String("absent", false), "");
  r.CheckKnown({"name", "n", "ok", "tags", "sub"});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST(JsonBodyTest, ErrorsNameTheField) {
  auto v = ParseBody(R"({"name": 7, "n": 50, "kind": "zz", "tags": ["a", 1]})");
  ASSERT_TRUE(v.has_value());
  {
    FieldReader r(v->as_object(), "order.");
    r.String("name");
    r.Int("n", 0, 10);
    EXPECT_EQ(r.status().message(), "field `order.name`: expected a string");
  }
  {
    FieldReader r(v->as_object());
    r.Int("n", 0, 10);
    EXPECT_EQ(r.status().message(), "field `n`: must be between 0 and 10");
  }
  {
    FieldReader r(v->as_object());
    r.Word("kind", {"aa", "bb"});
    EXPECT_EQ(r.status().message(),
              "field `kind`: unknown value `zz`, expected one of `aa`, `bb`");
  }
  {
    FieldReader r(v->as_object());
    r.Strings("tags", 5);
    EXPECT_EQ(r.status().message(), "field `tags[1]`: expected a string");
  }
  {
    FieldReader r(v->as_object());
    r.String("missing");
    EXPECT_EQ(r.status().message(), "missing field `missing`");
  }
  {
    FieldReader r(v->as_object());
    r.CheckKnown({"name", "n", "kind"});
    EXPECT_EQ(r.status().message(), "unknown field `tags`");
  }
}

TEST(JsonBodyTest, RejectsNonObjectsAndBadJson) {
  EXPECT_EQ(ParseBody("[1]").error().message(),
            "the body must be a JSON object");
  EXPECT_EQ(ParseBody("{").error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseBody(R"({"a":1,"a":2})").error().code(),
            StatusCode::kInvalidArgument);
}

TEST(JsonBodyTest, BoundsLengths) {
  auto v = ParseBody(R"({"s": "abcdef"})");
  FieldReader r(v->as_object());
  r.String("s", true, 3);
  EXPECT_EQ(r.status().message(), "field `s`: longer than 3 bytes");
}

}  // namespace
}  // namespace evidex::api
