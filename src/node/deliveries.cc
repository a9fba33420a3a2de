// POST /api/v1/deliveries: a signed order delivered from outside the node's own
// flows (later: by another node). The receiving side's checks run on it as on
// every order the node transmits: the envelope parses, every signature
// verifies under a key the node knows and was valid when made, each signer is
// competent for its role under the facts the order carries, and the validator
// signed where the law requires validation before issue. A refusal names its
// reason (sign::ReasonCode) and is recorded in the security log; nothing of a
// delivered order is stored as an order.
#include <boost/json.hpp>

#include "api/problem.h"
#include "core/json.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/node.h"
#include "node/signing.h"
#include "sign/signed_document.h"

namespace evidex::node {

api::Response Node::Deliver(const api::Request& req) {
  Instant now = clock_.Now();
  auto reading = ReadAs(req, now, "write");
  if (!reading) return Problem(reading.error(), req);
  const Principal& p = reading->principal;
  std::string reason, message, case_id;
  Status refused;
  auto refuse = [&](sign::Reason r, std::string m, StatusCode code) {
    reason = std::string(sign::ReasonCode(r));
    message = std::move(m);
    refused = Status(code, reason + ": " + message);
  };
  auto doc = sign::ParseSignedDocument(req.body);
  if (!doc) {
    refuse(sign::Reason::kMalformed, doc.error().message(),
           StatusCode::kInvalidArgument);
  } else if (doc->document.at("kind") != "order") {
    refuse(sign::Reason::kMalformed, "a delivery carries an `order`",
           StatusCode::kInvalidArgument);
  } else {
    if (const auto* id = doc->document.if_contains("case_id");
        id != nullptr && id->is_string()) {
      case_id = std::string(id->get_string()).substr(0, 128);
    }
    auto facts = FactsOfOrder(doc->document);
    if (!facts) {
      refuse(sign::Reason::kMalformed, facts.error().message(),
             StatusCode::kInvalidArgument);
    } else {
      std::vector<std::string> required{"issuer"};
      if (facts->validation_required && !facts->ex_post_validation) {
        required.push_back("validator");
      }
      auto verified =
          sign::Verify(*doc, PolicyFor(*reading->txn, *facts, required, now));
      if (!verified) {
        refuse(verified.error().reason, verified.error().message,
               StatusCode::kPermissionDenied);
      }
    }
  }
  reading->txn.reset();
  if (!refused.ok()) {
    RecordRefusal(store_, log_, now, "delivery_refused", reason,
                  p.organisation.id, case_id, req.request_id, message);
    return Problem(refused, req, {{"reason", reason, ""}});
  }
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("status");
  w.String("verified");
  w.Key("case_id");
  w.StringOrNull(case_id);
  w.Key("signatures");
  w.BeginArray();
  for (const sign::Signature& s : doc->signatures) {
    w.BeginObject();
    w.Key("signer");
    w.String(s.meta.signer);
    w.Key("key_id");
    w.String(s.meta.key_id);
    w.Key("role");
    w.String(s.meta.role);
    w.Key("signed_at");
    w.String(sign::FormatSignedAt(s.meta.signed_at));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  log_.Info("signed order verified", {{"request_id", req.request_id},
                                      {"case_id", case_id},
                                      {"organisation_id", p.organisation.id}});
  return JsonResponse(200, std::move(out));
}

}  // namespace evidex::node
