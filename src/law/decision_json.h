// The Decision as JSON, in the shape `evidex route` promises
// (docs/formats/route-decision.md).
#ifndef EVIDEX_LAW_DECISION_JSON_H_
#define EVIDEX_LAW_DECISION_JSON_H_

#include <string>

#include "law/engine.h"
#include "law/lawbook.h"

namespace evidex::law {

// Appends the decision to `out` as one line of compact JSON (no trailing
// newline).
void AppendDecisionJson(const LawBook& book, const Decision& decision,
                        std::string& out);

}  // namespace evidex::law

#endif  // EVIDEX_LAW_DECISION_JSON_H_
