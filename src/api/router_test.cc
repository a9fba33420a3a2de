#include "api/router.h"

#include <gtest/gtest.h>

namespace evidex::api {
namespace {

Response Echo(const Request& r) {
  Response res;
  res.body = r.method + " " + r.path;
  for (const auto& [k, v] : r.params) res.body += " " + k + "=" + v;
  return res;
}

Request Make(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.request_id = "rid";
  return r;
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Add("GET", "/api/v1/cases", Echo);
  router.Add("GET", "/api/v1/cases/{id}", Echo);
  router.Add("POST", "/api/v1/cases/{id}/actions/{action}", Echo);
  Request a = Make("GET", "/api/v1/cases");
  EXPECT_EQ(router.Dispatch(a).body, "GET /api/v1/cases");
  Request b = Make("GET", "/api/v1/cases/c_123");
  EXPECT_EQ(router.Dispatch(b).body, "GET /api/v1/cases/c_123 id=c_123");
  Request c = Make("POST", "/api/v1/cases/c1/actions/validate");
  EXPECT_EQ(router.Dispatch(c).body,
            "POST /api/v1/cases/c1/actions/validate action=validate id=c1");
}

TEST(RouterTest, UnknownPathIs404WithProblemJson) {
  Router router;
  router.Add("GET", "/healthz", Echo);
  for (const char* path : {"/nope", "/healthz/", "/", "", "/api/v1/cases//x"}) {
    Request r = Make("GET", path);
    Response res = router.Dispatch(r);
    EXPECT_EQ(res.status, 404) << path;
    EXPECT_EQ(res.content_type, "application/problem+json");
  }
}

TEST(RouterTest, EmptyParameterDoesNotMatch) {
  Router router;
  router.Add("GET", "/api/v1/cases/{id}", Echo);
  Request r = Make("GET", "/api/v1/cases/");
  EXPECT_EQ(router.Dispatch(r).status, 404);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/api/v1/cases", Echo);
  router.Add("POST", "/api/v1/cases", Echo);
  Request r = Make("DELETE", "/api/v1/cases");
  Response res = router.Dispatch(r);
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET, POST");
}

TEST(RouterTest, FindSaysWhereTheHandlerRuns) {
  Router router;
  router.Add("GET", "/api/v1/cases/{id}", Echo, Threading::kInline);
  router.Add("POST", "/api/v1/cases", Echo);
  Request get = Make("GET", "/api/v1/cases/c_1");
  Router::Match m = router.Find(get);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.threading, Threading::kInline);
  EXPECT_EQ(get.params.at("id"), "c_1");
  EXPECT_EQ((*m.handler)(get).body, "GET /api/v1/cases/c_1 id=c_1");

  Request post = Make("POST", "/api/v1/cases");
  m = router.Find(post);
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.threading, Threading::kWorker);

  Request none = Make("GET", "/nowhere");
  m = router.Find(none);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.refusal.status, 404);
}

TEST(RequestTest, HeadersAndQueryParameters) {
  Request r;
  r.headers = {{"authorization", "Bearer x"}, {"x-a", "1"}};
  r.query = "cursor=abc%3D%3D&limit=10&q=a+b&flag";
  EXPECT_EQ(r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("x-b"), "");
  EXPECT_EQ(r.QueryParam("cursor"), "abc==");
  EXPECT_EQ(r.QueryParam("limit"), "10");
  EXPECT_EQ(r.QueryParam("q"), "a b");
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_EQ(r.QueryParam("missing"), "");
}

}  // namespace
}  // namespace evidex::api
