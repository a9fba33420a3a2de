// PlanCase: what creating an order needs from the workflow, in one call.
//
// The node parses the routing query, runs the law engine, and calls PlanCase
// with the decision and the order body the user sent. PlanCase refuses a
// channel the engine closed (with every reason and its citation), derives the
// case facts with the body's issuing authority, validates the body's content
// field by field, and, for a CETS 224 Art. 7 order that sets a longer time
// frame for the return (Art. 7(4)(d)), lengthens the Art. 7(7) term to it.
// The node then stores the case in state `Machine::initial` with
// FactsJson(plan.facts) beside its decision; no deadline starts at creation.
//
// Pure function of its arguments; thread-safe.
#ifndef EVIDEX_WORKFLOW_PLAN_H_
#define EVIDEX_WORKFLOW_PLAN_H_

#include <boost/json/value.hpp>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "law/engine.h"
#include "law/lawbook.h"
#include "law/query.h"
#include "workflow/facts.h"
#include "workflow/order.h"

namespace evidex::workflow {

struct CasePlan {
  CaseFacts facts;                 // complete only when `errors` is empty
  std::vector<FieldError> errors;  // the body's problems; empty: create it
};

// Fails as OpenChannel does (kInvalidArgument for a procedure without a
// machine, kFailedPrecondition for a closed channel), and with
// kPermissionDenied when the body's issuing authority may neither issue this
// order nor have it validated. Problems of the body itself, including a
// missing or unknown issuing authority, are in `errors`.
Result<CasePlan> PlanCase(const law::LawBook& book, const law::Query& query,
                          const law::Decision& decision,
                          std::string_view procedure,
                          const boost::json::value& order);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_PLAN_H_
