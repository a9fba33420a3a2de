#include "node/handler.h"

#include <algorithm>
#include <iterator>
#include <string_view>

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

Result<std::string_view> IdempotencyKey(const api::Request& req,
                                        std::string_view doing) {
  std::string_view key = req.Header("idempotency-key");
  if (key.empty() || key.size() > kMaxIdempotencyKey) {
    return Err(InvalidArgumentError(
        "an `Idempotency-Key` header of 1 to 128 characters is required when " +
        std::string(doing)));
  }
  return key;
}

Result<bool> ReplayIdempotent(store::Transaction& txn,
                              const std::string& person_id,
                              std::string_view key,
                              const std::string& request_hash,
                              api::Response& response) {
  EVIDEX_ASSIGN_OR_RETURN(auto seen,
                          txn.GetIdempotency(person_id, std::string(key)));
  if (!seen.has_value()) return false;
  if (seen->request_hash != request_hash) {
    return Err(
        Status(StatusCode::kConflict,
               "this `Idempotency-Key` was used for a different request"));
  }
  response = JsonResponse(seen->status_code, seen->response_body);
  response.headers.emplace_back("Idempotent-Replayed", "true");
  return true;
}

std::string Purpose(const api::Request& req) {
  std::string_view p = req.Header("x-purpose");
  if (p.empty()) return "case work";
  return std::string(p.substr(0, 200));
}

namespace {

// The parts a case gives to the organisations that answer it.
constexpr std::string_view kRespondingRoles[] = {"addressee", "requested_party",
                                                 "point_of_contact_24_7",
                                                 "central_authority"};

}  // namespace

bool IsParty(const std::vector<store::CaseParty>& parties,
             const std::string& organisation_id) {
  return std::any_of(parties.begin(), parties.end(), [&](const auto& p) {
    return p.organisation_id == organisation_id;
  });
}

bool Responds(const std::vector<store::CaseParty>& parties,
              const std::string& organisation_id) {
  return std::any_of(parties.begin(), parties.end(), [&](const auto& p) {
    return p.organisation_id == organisation_id &&
           std::find(std::begin(kRespondingRoles), std::end(kRespondingRoles),
                     p.role) != std::end(kRespondingRoles);
  });
}

}  // namespace evidex::node
