#include "node/signing.h"

#include <algorithm>
#include <boost/json.hpp>

#include "core/canonical_json.h"
#include "core/json.h"
#include "node/keys.h"
#include "node/master_key.h"

namespace evidex::node {
namespace {

namespace bj = boost::json;

bool Has(const std::vector<std::string>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// The kind of organisation that answers in `role` (CreateCase routes orders to
// these kinds).
std::string_view AnsweringKind(std::string_view role,
                               const workflow::CaseFacts& facts) {
  if (role == "addressee") {
    const std::string& a = facts.addressee_role;
    if (a == "domain_registrar") return "domain_registrar";
    return "service_provider";
  }
  if (role == "requested_party") return "central_authority";
  return role;  // central_authority, point_of_contact_24_7
}

}  // namespace

std::optional<std::string_view> SignedKindOf(std::string_view action) {
  for (std::string_view a : {"issue", "issue_without_validation", "send",
                             "submit", "submit_mla_request", "validate"}) {
    if (action == a) return "order";
  }
  for (std::string_view a : {"produce", "report_inability",
                             "request_clarification", "refuse", "transmit"}) {
    if (action == a) return "response";
  }
  if (action == "object") return "objection";
  // The notified authority's word that it raises no ground for refusal.
  if (action == "confirm_no_grounds") return "notification";
  return std::nullopt;
}

Result<bj::object> OrderDocument(const store::Case& c,
                                 const workflow::CaseFacts& facts) {
  auto content = ParseJson(c.content_json, JsonLimits{.max_depth = 64});
  auto parsed_facts = ParseJson(workflow::FactsJson(facts));
  if (!content || !parsed_facts) {
    return Err(DataLossError("case `" + c.id + "` has an unreadable order"));
  }
  return bj::object{{"kind", "order"},
                    {"case_id", c.id},
                    {"procedure", c.procedure},
                    {"issuing_organisation_id", c.issuing_organisation_id},
                    {"facts", std::move(*parsed_facts)},
                    {"order", std::move(*content)}};
}

std::optional<std::string> CompetenceProblem(const store::Organisation& org,
                                             std::string_view kind,
                                             std::string_view role,
                                             const workflow::CaseFacts& facts) {
  const std::string who = "`" + org.id + "`";
  if (kind == "order" && role == "issuer") {
    if (org.state != facts.issuing_state) {
      return who + " is not an authority of the issuing State `" +
             facts.issuing_state + "`";
    }
    if (!Has(org.authorities, facts.issuing_authority)) {
      return who + " is not a `" + facts.issuing_authority +
             "`, the authority that issues this order";
    }
    return std::nullopt;
  }
  if (kind == "order" && role == "validator") {
    bool competent = org.state == facts.issuing_state &&
                     std::any_of(facts.validating_authorities.begin(),
                                 facts.validating_authorities.end(),
                                 [&](const std::string& a) {
                                   return Has(org.authorities, a);
                                 });
    if (!competent) {
      return who + " is no authority of `" + facts.issuing_state +
             "` that the law lets validate this order";
    }
    return std::nullopt;
  }
  if (kind == "response" &&
      (role == "addressee" || role == "requested_party" ||
       role == "central_authority" || role == "point_of_contact_24_7")) {
    if (org.state != facts.addressee_state ||
        org.kind != AnsweringKind(role, facts)) {
      return who + " is not the `" + std::string(AnsweringKind(role, facts)) +
             "` of `" + facts.addressee_state + "` the order is addressed to";
    }
    return std::nullopt;
  }
  if ((kind == "objection" || kind == "notification") &&
      (role == "enforcing_authority" || role == "notified_authority")) {
    if (org.state != facts.addressee_state ||
        (org.kind != "enforcing_authority" &&
         org.kind != "central_authority")) {
      return who + " is not the authority of `" + facts.addressee_state +
             "` notified of this order";
    }
    return std::nullopt;
  }
  return "a `" + std::string(role) + "` does not sign an `" +
         std::string(kind) + "`";
}

sign::VerifyPolicy PolicyFor(store::Transaction& txn,
                             const workflow::CaseFacts& facts,
                             std::vector<std::string> required_roles,
                             Instant now) {
  return sign::VerifyPolicy{
      .find_key = [&txn](std::string_view key_id)
          -> std::optional<sign::PublicSigningKey> {
        return FindPublicSigningKey(txn, key_id);
      },
      .competence = [&txn, facts](const sign::SignatureMeta& meta,
                                  const bj::object& document)
          -> std::optional<std::string> {
        auto org = txn.GetOrganisation(meta.signer);
        if (!org) return "`" + meta.signer + "` is not a known organisation";
        const bj::value* kind = document.if_contains("kind");
        return CompetenceProblem(
            *org,
            kind != nullptr && kind->is_string() ? kind->get_string() : "",
            meta.role, facts);
      },
      .required_roles = std::move(required_roles),
      .not_after = now + kClockSkew};
}

void RecordRefusal(store::Store& store, Logger& log, Instant now,
                   std::string_view kind, std::string_view reason,
                   const std::string& organisation_id,
                   const std::string& case_id, const std::string& request_id,
                   const std::string& message) {
  std::string detail;
  {
    JsonWriter w(detail);
    w.BeginObject();
    w.Key("case_id");
    w.StringOrNull(case_id);
    w.Key("request_id");
    w.String(request_id);
    w.Key("message");
    w.String(message.substr(0, 2000));
    w.EndObject();
  }
  log.Warning("signed document refused", {{"kind", kind},
                                          {"reason", reason},
                                          {"organisation_id", organisation_id},
                                          {"case_id", case_id},
                                          {"request_id", request_id}});
  Status s = store.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(
        auto stored,
        txn.AppendSecurityEvent({0, now, std::string(kind), std::string(reason),
                                 organisation_id, detail}));
    static_cast<void>(stored);
    return OkStatus();
  });
  if (!s.ok()) {
    log.Error("the security log could not be written",
              {{"request_id", request_id}, {"error", s.message()}});
  }
}

Result<workflow::CaseFacts> FactsOfOrder(const bj::object& document) {
  const bj::value* facts = document.if_contains("facts");
  if (facts == nullptr || !facts->is_object()) {
    return Err(InvalidArgumentError("the order carries no `facts` object"));
  }
  auto parsed = workflow::ParseFactsJson(bj::serialize(*facts));
  if (!parsed) {
    return Err(InvalidArgumentError("the order's `facts` do not decode: " +
                                    parsed.error().message()));
  }
  return parsed;
}

namespace {

// Whether `e` approves `action` for the organisation.
bool ApprovalOf(const store::CaseEvent& e, const std::string& org_id,
                std::string_view action) {
  if (e.type != "signing_approved" || e.actor_organisation_id != org_id) {
    return false;
  }
  auto payload = ParseJson(e.payload_json);
  if (!payload || !payload->is_object()) return false;
  const bj::value* a = payload->as_object().if_contains("action");
  return a != nullptr && a->is_string() && a->get_string() == action;
}

// The signatures of the latest signed event of the case whose document is
// `document`. Documents are compared as canonical JSON: one read back from an
// event may hold 5 where the case's content holds 5.0, and both sign the same.
Result<std::vector<sign::Signature>> EarlierOrderSignatures(
    const std::vector<store::CaseEvent>& events, const bj::object& document) {
  EVIDEX_ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(document));
  for (auto e = events.rbegin(); e != events.rend(); ++e) {
    auto payload =
        ParseJson(e->payload_json,
                  JsonLimits{.max_depth = 64, .allow_duplicate_keys = true});
    if (!payload || !payload->is_object()) continue;
    const bj::value* envelope =
        payload->as_object().if_contains("signed_document");
    if (envelope == nullptr) continue;
    auto parsed = sign::ParseSignedDocument(bj::serialize(*envelope));
    if (!parsed) {
      return Err(DataLossError("case `" + e->case_id + "` event " +
                               std::to_string(e->seq) +
                               " holds a malformed signed document"));
    }
    auto earlier = CanonicalJson(parsed->document);
    if (!earlier || *earlier != canonical) continue;
    return std::move(parsed->signatures);
  }
  return std::vector<sign::Signature>();
}

}  // namespace

Result<SignedAction> SignAction(store::Transaction& txn,
                                const MasterKey& master, const store::Case& c,
                                const workflow::CaseFacts& facts,
                                const std::vector<store::CaseEvent>& events,
                                const store::Organisation& org,
                                const std::string& person_id,
                                std::string_view role, std::string_view action,
                                const bj::value& input, Instant now) {
  SignedAction out;
  const std::optional<std::string_view> kind = SignedKindOf(action);
  if (!kind) return Err(InternalError("the action signs nothing"));
  if (auto problem = CompetenceProblem(org, *kind, role, facts)) {
    out.refusal_reason = sign::ReasonCode(sign::Reason::kNotCompetent);
    out.refusal_message = *problem;
    return out;
  }
  if (*kind == "order" && role == "issuer" && facts.emergency &&
      org.four_eyes_emergency &&
      std::none_of(events.begin(), events.end(), [&](const auto& e) {
        return ApprovalOf(e, org.id, action) && e.actor_person_id != person_id;
      })) {
    return Err(FailedPreconditionError(
        "four eyes: an emergency order of `" + org.id +
        "` is signed only after another person of it approved `" +
        std::string(action) + "` (POST /api/v1/cases/" + c.id + "/approvals)"));
  }
  sign::SignedDocument doc;
  std::vector<std::string> required{std::string(role)};
  if (*kind == "order") {
    EVIDEX_ASSIGN_OR_RETURN(doc.document, OrderDocument(c, facts));
    EVIDEX_ASSIGN_OR_RETURN(doc.signatures,
                            EarlierOrderSignatures(events, doc.document));
    // Whoever signed the order before signs it still; the validator's
    // signature is required when the law requires validation before issue.
    for (const sign::Signature& s : doc.signatures) {
      if (s.meta.role != role) required.push_back(s.meta.role);
    }
    if (role == "issuer" && facts.validation_required &&
        action != "issue_without_validation" &&
        std::find(required.begin(), required.end(), "validator") ==
            required.end()) {
      required.push_back("validator");
    }
    // A signature of the same role is replaced by the new one.
    std::erase_if(doc.signatures, [&](const sign::Signature& s) {
      return s.meta.role == role;
    });
  } else {
    doc.document = bj::object{{"kind", *kind},
                              {"case_id", c.id},
                              {"procedure", c.procedure},
                              {"action", action},
                              {"input", input}};
  }
  EVIDEX_ASSIGN_OR_RETURN(SigningKey key,
                          CurrentSigningKey(txn, master, org.id, now));
  EVIDEX_RETURN_IF_ERROR(sign::AddSignature(
      doc, {org.id, key.key_id, std::string(role), now}, key.pair.secret_key));
  // The receiving side's check, before anyone else sees the document.
  auto verified = sign::Verify(doc, PolicyFor(txn, facts, required, now));
  if (!verified) {
    out.refusal_reason = sign::ReasonCode(verified.error().reason);
    out.refusal_message = verified.error().message;
    return out;
  }
  EVIDEX_ASSIGN_OR_RETURN(out.envelope_json,
                          sign::SerializeSignedDocument(doc));
  return out;
}

}  // namespace evidex::node
