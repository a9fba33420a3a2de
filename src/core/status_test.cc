#include "core/status.h"

#include <gtest/gtest.h>

namespace evidex {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0)
    return Err(InvalidArgumentError("`" + std::to_string(v) + "` is odd"));
  return v / 2;
}

Result<int> Quarter(int v) {
  EVIDEX_ASSIGN_OR_RETURN(int h, Half(v));
  EVIDEX_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Result<int> CheckThenQuarter(Status s, int v) {
  EVIDEX_RETURN_IF_ERROR(s);
  return Quarter(v);
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, ToStringNamesCode) {
  EXPECT_EQ(DataLossError("leaf 7 hash mismatch").ToString(),
            "data_loss: leaf 7 hash mismatch");
  EXPECT_EQ(StatusCodeName(StatusCode::kPermissionDenied), "permission_denied");
}

TEST(StatusTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(Quarter(8).value(), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "`3` is odd");
}

TEST(StatusTest, ReturnIfErrorStopsEarly) {
  Result<int> r = CheckThenQuarter(NotFoundError("no such case"), 8);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(CheckThenQuarter(OkStatus(), 8).value(), 2);
}

}  // namespace
}  // namespace evidex
