// Signing in the node's flows, and verifying what is received. Internal to the
// node.
//
// The actions that bind an organisation are signed with its current signing
// key (node/keys.h) as signed documents (sign/signed_document.h):
//   - the order itself (kind `order`: the case id, procedure, issuing
//     organisation, the facts the law decided and the order's content), by
//     the validator when it validates and by the issuer when it issues or
//     transmits; both signatures are over the same document;
//   - the addressee's responses (kind `response`) and the notified
//     authority's objections (kind `objection`): the case, the action and its
//     input.
// The node signs only when the acting organisation is competent for the role
// under the facts the law engine decided for the case (issuer: its
// authorities include the issuing authority, of the issuing State; validator:
// one of the validating authorities; addressee: the kind of organisation the
// law addresses; notified authority: an authority of the addressee's State).
//
// Before a signed document reaches another party (an order at transmission, a
// response or objection as it is recorded) the receiving side verifies every
// signature against the keys the node knows and the signers' competence; the
// validator's signature is required where the law requires validation before
// issue.
#ifndef EVIDEX_NODE_SIGNING_H_
#define EVIDEX_NODE_SIGNING_H_

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "core/status.h"
#include "core/time.h"
#include "node/master_key.h"
#include "sign/signed_document.h"
#include "store/store.h"
#include "workflow/facts.h"

namespace evidex::node {

// The kind of document `action` signs, or nullopt when it signs none.
std::optional<std::string_view> SignedKindOf(std::string_view action);

// The order document of a case (what the issuer and the validator sign).
// kDataLoss when the stored content is not JSON.
Result<boost::json::object> OrderDocument(const store::Case& c,
                                          const workflow::CaseFacts& facts);

// nullopt when `org` may sign a document of `kind` in `role` under `facts`;
// otherwise why not, in one line.
std::optional<std::string> CompetenceProblem(const store::Organisation& org,
                                             std::string_view kind,
                                             std::string_view role,
                                             const workflow::CaseFacts& facts);

// How far a signature may be dated after the receiver's clock.
inline constexpr std::chrono::minutes kClockSkew{5};

// Verification against the keys of `txn` and the competence of the signers
// under `facts`, requiring a signature of each of `required_roles`, refusing
// signatures dated after `now` + kClockSkew.
sign::VerifyPolicy PolicyFor(store::Transaction& txn,
                             const workflow::CaseFacts& facts,
                             std::vector<std::string> required_roles,
                             Instant now);

// The outcome of signing an action: the envelope's canonical JSON, or why
// the receiving side refused it (a sign::ReasonCode and a message).
struct SignedAction {
  std::string envelope_json;
  std::string refusal_reason;
  std::string refusal_message;
  bool refused() const { return !refusal_reason.empty(); }
};

// Signs the document of `action` (SignedKindOf) as `org` acting in `role` at
// `now` at the request of `person_id`, and verifies it as its receivers will.
// An emergency order of an organisation with four eyes on is issued only
// after another person of it approved `action` (a `signing_approved` event in
// `events`); otherwise kFailedPrecondition. An order keeps the signatures
// already made over the same document (the validator's), found in `events`.
// Refusals (an incompetent signer, a verification failure) are returned in
// the outcome; the error is for a missing key (kFailedPrecondition) or
// unreadable stored data (kDataLoss).
Result<SignedAction> SignAction(store::Transaction& txn,
                                const MasterKey& master, const store::Case& c,
                                const workflow::CaseFacts& facts,
                                const std::vector<store::CaseEvent>& events,
                                const store::Organisation& org,
                                const std::string& person_id,
                                std::string_view role, std::string_view action,
                                const boost::json::value& input, Instant now);

// Records a refused signed document (or signing request) in the store's
// security log and as a JSON log line: the reason, the organisation, the
// case and request ids, never a key or a token. A failure to record is
// logged as an error.
void RecordRefusal(store::Store& store, Logger& log, Instant now,
                   std::string_view kind, std::string_view reason,
                   const std::string& organisation_id,
                   const std::string& case_id, const std::string& request_id,
                   const std::string& message);

// The facts a signed order carries; kInvalidArgument when it has none that
// decode.
Result<workflow::CaseFacts> FactsOfOrder(const boost::json::object& document);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_SIGNING_H_
