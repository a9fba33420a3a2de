#include "node/handler.h"

namespace evidex::node {

api::Response JsonResponse(int status, std::string body) {
  api::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

api::Response Problem(const Status& s, const api::Request& req,
                      const std::vector<api::ProblemItem>& items) {
  api::Response r = api::ProblemResponse(s, req.request_id, items);
  if (s.code() == StatusCode::kUnauthenticated) {
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"evidex\"");
  }
  return r;
}

std::string Purpose(const api::Request& req) {
  std::string_view p = req.Header("x-purpose");
  if (p.empty()) return "case work";
  return std::string(p.substr(0, 200));
}

}  // namespace evidex::node
