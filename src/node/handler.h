// What the node's handlers share: answers in JSON, problems, and the request's
// stated purpose. Internal to the node.
#ifndef EVIDEX_NODE_HANDLER_H_
#define EVIDEX_NODE_HANDLER_H_

#include <string>
#include <vector>

#include "api/http.h"
#include "api/problem.h"
#include "core/status.h"
#include "store/store.h"

namespace evidex::node {

// Longest `Idempotency-Key` the node accepts.
inline constexpr std::size_t kMaxIdempotencyKey = 128;

// A JSON answer with `status`.
api::Response JsonResponse(int status, std::string body);

// The problem for `s`; a 401 says how to authenticate (`WWW-Authenticate`).
api::Response Problem(const Status& s, const api::Request& req,
                      const std::vector<api::ProblemItem>& items = {});

// The request's `Idempotency-Key` (1 to 128 characters), required when
// `doing` (e.g. "creating"); kInvalidArgument otherwise.
Result<std::string_view> IdempotencyKey(const api::Request& req,
                                        std::string_view doing);

// Looks up an earlier request of `person_id` with the same `key`: when there
// is one with the same `request_hash`, sets `response` to its answer (marked
// `Idempotent-Replayed`) and returns true; with another hash, kConflict.
Result<bool> ReplayIdempotent(store::Transaction& txn,
                              const std::string& person_id,
                              std::string_view key,
                              const std::string& request_hash,
                              api::Response& response);

// Why the person reads case data (`X-Purpose`, at most 200 bytes), for the
// access record; "case work" when unstated.
std::string Purpose(const api::Request& req);

// Whether `organisation_id` is a party to the case of `parties`.
bool IsParty(const std::vector<store::CaseParty>& parties,
             const std::string& organisation_id);

// Whether `organisation_id` answers the case of `parties`: it is its
// addressee, requested party, 24/7 point of contact or central authority.
bool Responds(const std::vector<store::CaseParty>& parties,
              const std::string& organisation_id);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_HANDLER_H_
