// Errors on the wire: RFC 9457 problem details (application/problem+json).
//
// This is the one place where a Status code becomes an HTTP status:
//   kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403,
//   kNotFound 404, kAlreadyExists 409, kConflict 409, kFailedPrecondition 409,
//   kResourceExhausted 413 (or 429 for rates, chosen by the caller),
//   kUnavailable 503, kDataLoss and kInternal 500.
// Internal errors never show their message to the client (it is logged with the
// request id).
#ifndef EVIDEX_API_PROBLEM_H_
#define EVIDEX_API_PROBLEM_H_

#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "core/status.h"

namespace evidex::api {

int HttpStatusFor(StatusCode code);

// Extra members of a problem: field errors, or the rules that refused an order.
struct ProblemItem {
  std::string field;  // e.g. "data[0]" or a rule id
  std::string detail;
  std::string cite;  // an article, when the law is the reason
};

// A problem+json response for `status` (which must not be OK). `items` become
// the `errors` member. The response carries the request id as `instance`.
Response ProblemResponse(const Status& status, std::string_view request_id,
                         const std::vector<ProblemItem>& items = {});

// A problem with an explicit HTTP status (for 404/405/413 decided by the server
// itself, or 422 for content a handler understood and refuses).
Response ProblemResponse(int http_status, std::string_view title,
                         std::string_view detail, std::string_view request_id,
                         const std::vector<ProblemItem>& items = {});

}  // namespace evidex::api

#endif  // EVIDEX_API_PROBLEM_H_
