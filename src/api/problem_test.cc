#include "api/problem.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace evidex::api {
namespace {

TEST(ProblemTest, MapsEveryCodeOnce) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 413);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
}

TEST(ProblemTest, RendersRfc9457WithFieldErrors) {
  Response r = ProblemResponse(
      InvalidArgumentError("field `data`: expected an array"), "r1",
      {{"data", "expected an array", ""},
       {"eu2023-1543.5.4", "offence below 3 years", "EU 2023/1543 Art. 5(4)"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto v = ParseJson(r.body);
  ASSERT_TRUE(v.has_value()) << r.body;
  EXPECT_EQ(v->at("status").as_int64(), 400);
  EXPECT_EQ(v->at("title").as_string(), "bad request");
  EXPECT_EQ(v->at("detail").as_string(), "field `data`: expected an array");
  EXPECT_EQ(v->at("instance").as_string(), "urn:evidex:request:r1");
  ASSERT_EQ(v->at("errors").as_array().size(), 2u);
  EXPECT_EQ(v->at("errors").as_array()[1].at("cite").as_string(),
            "EU 2023/1543 Art. 5(4)");
  EXPECT_FALSE(v->at("errors").as_array()[0].as_object().contains("cite"));
}

TEST(ProblemTest, InternalErrorsHideTheirMessage) {
  Response r = ProblemResponse(
      InternalError("sqlite: disk I/O error at /secret/path"), "r2");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace evidex::api
