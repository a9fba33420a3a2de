// Four eyes on emergency orders: an organisation with the setting on (the
// default) has an emergency order signed only after a second person of it
// approved the issuing action. The endpoints: an organisation's settings (its
// administrators read and change them), and approvals on a case (a person of
// the issuing organisation with the issuer role, other than the one who will
// issue). SignAction (signing.h) checks the approval.
#include <boost/json.hpp>

#include "api/json_body.h"
#include "core/json.h"
#include "core/log.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/node.h"
#include "node/secrets.h"
#include "node/signing.h"
#include "workflow/facts.h"

namespace evidex::node {
namespace {

namespace bj = boost::json;

std::string SettingsJson(const store::Organisation& org) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("organisation_id");
  w.String(org.id);
  w.Key("four_eyes_emergency");
  w.Bool(org.four_eyes_emergency);
  w.EndObject();
  return out;
}

Status CheckAdmin(const Principal& p, const std::string& organisation_id) {
  if (p.organisation.id != organisation_id) {
    return NotFoundError("no such organisation");
  }
  if (!p.HasScope("admin") || !p.HasRole("admin")) {
    return Status(StatusCode::kPermissionDenied,
                  "settings are for administrators with scope `admin`");
  }
  return OkStatus();
}

}  // namespace

api::Response Node::GetSettings(const api::Request& req) {
  auto reading = ReadAs(req, clock_.Now(), "");
  if (!reading) return Problem(reading.error(), req);
  const std::string& id = req.params.at("id");
  if (Status s = CheckAdmin(reading->principal, id); !s.ok()) {
    return Problem(s, req);
  }
  return JsonResponse(200, SettingsJson(reading->principal.organisation));
}

api::Response Node::PutSettings(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::optional<bool> four_eyes = r.Bool("four_eyes_emergency");
  r.CheckKnown({"four_eyes_emergency"});
  if (!r.ok()) return Problem(r.status(), req);
  const std::string& id = req.params.at("id");
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    EVIDEX_RETURN_IF_ERROR(CheckAdmin(p, id));
    EVIDEX_RETURN_IF_ERROR(txn.SetFourEyesEmergency(id, *four_eyes));
    EVIDEX_ASSIGN_OR_RETURN(store::Organisation org, txn.GetOrganisation(id));
    response = JsonResponse(200, SettingsJson(org));
    log_.Info("organisation settings changed",
              {{"request_id", req.request_id},
               {"organisation_id", id},
               {"four_eyes_emergency", *four_eyes ? "on" : "off"}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

api::Response Node::ApproveSigning(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  auto idempotency_key = IdempotencyKey(req, "approving");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  std::string_view key = *idempotency_key;
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::string action = r.String("action", true, 64);
  r.CheckKnown({"action"});
  if (!r.ok()) return Problem(r.status(), req);
  if (SignedKindOf(action) != "order" || action == "validate") {
    return Problem(InvalidArgumentError("field `action`: `" + action +
                                        "` does not issue an order"),
                   req);
  }
  const std::string& case_id = req.params.at("id");
  std::string request_hash =
      HashSecret(req.method + " " + req.path + "\n" + req.body);
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    auto c = txn.GetCase(case_id);
    if (!c && c.error().code() != StatusCode::kNotFound) return c.error();
    if (!c || c->issuing_organisation_id != p.organisation.id) {
      return NotFoundError("no such case");
    }
    if (!p.HasScope("write") || !p.HasRole("issuer")) {
      return Status(StatusCode::kPermissionDenied,
                    "approving needs the `write` scope and the `issuer` role");
    }
    EVIDEX_ASSIGN_OR_RETURN(
        bool replayed,
        ReplayIdempotent(txn, p.person.id, key, request_hash, response));
    if (replayed) return OkStatus();
    auto decision =
        ParseJson(c->decision_json, JsonLimits{.allow_duplicate_keys = true});
    if (!decision || !decision->is_object() ||
        !decision->as_object().contains("facts")) {
      return DataLossError("case `" + case_id + "` has no readable facts");
    }
    EVIDEX_ASSIGN_OR_RETURN(
        workflow::CaseFacts facts,
        workflow::ParseFactsJson(bj::serialize(decision->at("facts"))));
    if (!facts.emergency) {
      return FailedPreconditionError(
          "only emergency orders are approved by a second person");
    }
    store::CaseEvent event;
    event.case_id = case_id;
    event.type = "signing_approved";
    event.actor_person_id = p.person.id;
    event.actor_organisation_id = p.organisation.id;
    event.at = now;
    {
      JsonWriter w(event.payload_json);
      w.BeginObject();
      w.Key("action");
      w.String(action);
      w.EndObject();
    }
    EVIDEX_ASSIGN_OR_RETURN(store::CaseEvent stored, txn.AppendEvent(event));
    std::string out;
    {
      JsonWriter w(out);
      w.BeginObject();
      w.Key("case_id");
      w.String(case_id);
      w.Key("action");
      w.String(action);
      w.Key("approved_by");
      w.String(p.person.id);
      w.Key("event_seq");
      w.Int(stored.seq);
      w.Key("at");
      w.String(FormatInstant(now));
      w.EndObject();
    }
    EVIDEX_RETURN_IF_ERROR(txn.PutIdempotency(
        {std::string(key), p.person.id, request_hash, 201, out, now}));
    response = JsonResponse(201, std::move(out));
    log_.Info("emergency order approved", {{"request_id", req.request_id},
                                           {"case_id", case_id},
                                           {"action", action}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

}  // namespace evidex::node
