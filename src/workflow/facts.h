// CaseFacts: what the law decided for one case, frozen when the case is
// created, in the form the procedure machines need.
//
// The node routes a query (law::Decide), picks the open channel for the
// procedure the user chose, and calls FactsFromDecision. The facts say whether
// the case is an emergency, whether the order must be validated (and whether
// ex-post validation is allowed), whether an authority of the addressee's State
// is notified and whether that notification suspends production, and the
// deadline terms the law sets (each with its rule id, citation and ISO 8601
// duration). The machines' guards read them; Apply computes deadlines from
// them.
//
// Contract for the node: compute the facts once, at creation, and store them
// with the case (FactsJson / ParseFactsJson round-trip exactly); never
// recompute them from a later law. A case lives under the law it was created
// under, and deadlines started months later still come from those rules, at
// the moment of receipt recorded then.
//
// Pure functions of their arguments; thread-compatible values.
#ifndef EVIDEX_WORKFLOW_FACTS_H_
#define EVIDEX_WORKFLOW_FACTS_H_

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "law/engine.h"
#include "law/lawbook.h"
#include "law/query.h"
#include "workflow/deadline.h"

namespace evidex::workflow {

struct CaseFacts {
  std::string procedure;  // e.g. "eu2023-1543.epoc"
  bool emergency = false;
  std::string issuing_state;      // e.g. "FR"
  std::string issuing_authority;  // an authority word, e.g. "prosecutor"
  // The issuing authority is not one the law lets issue alone: the order needs
  // validation by one of `validating_authorities` (EU 2023/1543 Art. 4(1)(b),
  // 4(2)(b), 4(3)(b)).
  bool validation_required = false;
  // An emergency in which the law lets the order be issued before validation,
  // with ex-post validation due within the `validation` term (Art. 4(5)).
  bool ex_post_validation = false;
  std::vector<std::string> validating_authorities;
  // An authority of the addressee's State is notified (EU 2023/1543 Art. 8;
  // CETS 224 Art. 7(5)); `notified_role` is `enforcing_authority` or
  // `notified_authority`. Suspensive: the addressee may not produce until the
  // objection window ends or the authority clears the order (EU Art. 8(4)), or
  // must consult first (CETS 224 Art. 7(5)(b)).
  bool notification_required = false;
  bool notification_suspensive = false;
  std::string notified_role;
  // The requested Party declared CETS 224 Art. 9(5): the request is formalised
  // after execution.
  bool formalisation_required = false;
  std::uint8_t data = 0;        // bit per law::DataCategory, as routed
  std::string addressee_role;   // a law::kAddresseeRoles word
  std::string addressee_state;  // e.g. "IE"
  // The deadline terms of the case, one per name (see DeadlineSpec).
  std::vector<DeadlineTerm> terms;

  // The term named `name`, or nullptr when the law sets none for this case.
  const DeadlineTerm* Term(std::string_view name) const;

  friend bool operator==(const CaseFacts&, const CaseFacts&) = default;
};

// The open channel for `procedure` in `decision` (which points into `book`).
// Fails with kInvalidArgument when no machine exists for `procedure`, and with
// kFailedPrecondition when the decision closes the channel (the message lists
// every reason: its citation, rule id and explanation) or the law gives it
// conflicting values.
Result<const law::ChannelOutcome*> OpenChannel(const law::LawBook& book,
                                               const law::Decision& decision,
                                               std::string_view procedure);

// The facts of a new case for `procedure` under `decision`, which the law
// engine made for `query`; `issuing_authority` is the authority word of the
// issuer (the order's `issuing_authority.authority`).
// Fails as OpenChannel does, and with:
//   kInvalidArgument   `issuing_authority` is not an authority word;
//   kPermissionDenied  the issuing authority may neither issue this order nor
//                      have it validated (the message cites the rule).
Result<CaseFacts> FactsFromDecision(const law::LawBook& book,
                                    const law::Query& query,
                                    const law::Decision& decision,
                                    std::string_view procedure,
                                    std::string_view issuing_authority);

// The facts as one line of JSON, for the node to store with the case.
std::string FactsJson(const CaseFacts& facts);

// Reads facts stored by FactsJson. Fails with kDataLoss naming the field when
// the text does not decode (stored data are never retried).
Result<CaseFacts> ParseFactsJson(std::string_view json);
// The same for facts already parsed (e.g. inside a larger stored document).
Result<CaseFacts> ParseFacts(const boost::json::value& facts);

}  // namespace evidex::workflow

#endif  // EVIDEX_WORKFLOW_FACTS_H_
