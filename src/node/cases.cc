// The case endpoints of the node: create, read, list, history, act, inbox; and
// the deadline scheduler. See node.h for the authorization and access-record
// rules.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/json_body.h"
#include "api/problem.h"
#include "core/json.h"
#include "law/decision_json.h"
#include "law/engine.h"
#include "law/query.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/node.h"
#include "node/secrets.h"
#include "node/signing.h"
#include "workflow/deadline.h"
#include "workflow/facts.h"
#include "workflow/machine.h"
#include "workflow/plan.h"

namespace evidex::node {
namespace {

namespace bj = boost::json;

workflow::Deadline FromStore(const store::Deadline& d) {
  workflow::Deadline w;
  w.case_id = d.case_id;
  w.name = d.name;
  w.rule_id = d.rule_id;
  w.due_at = d.due_at;
  w.warn_at = d.warn_at;
  w.status = workflow::kDeadlineStatuses.Parse(d.status).value_or(
      workflow::DeadlineStatus::kPending);
  return w;
}

store::Deadline ToStore(const workflow::Deadline& w) {
  return store::Deadline{
      w.case_id, w.name,
      w.rule_id, w.due_at,
      w.warn_at, std::string(workflow::kDeadlineStatuses.Name(w.status))};
}

// What the node keeps beside the routing decision of a case.
struct CaseRecord {
  store::Case c;
  workflow::CaseFacts facts;
  std::vector<store::CaseParty> parties;
  // The parties the order is for (addressee, notified authority): they become
  // parties to the case, and see it, only once it is transmitted.
  std::vector<store::CaseParty> recipients;
  std::vector<workflow::Deadline> deadlines;
};

// The `limit` query parameter of a listing: 1 to 200, 50 when absent.
Result<int> PageLimit(const api::Request& req) {
  std::string text = req.QueryParam("limit");
  if (text.empty()) return 50;
  int limit = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size() || limit < 1 ||
      limit > 200) {
    return Err(
        InvalidArgumentError("query parameter `limit` must be 1 to 200"));
  }
  return limit;
}

// The kind of organisation that plays a routed addressee role.
std::string_view KindFor(std::string_view addressee_role) {
  if (addressee_role == "requested_party") return "central_authority";
  if (addressee_role == "point_of_contact_24_7" ||
      addressee_role == "central_authority" ||
      addressee_role == "domain_registrar") {
    return addressee_role;
  }
  return "service_provider";  // designated establishment, legal representative
}

// The states in which an order has not yet left its issuer (and validator).
bool BeforeTransmission(std::string_view state) {
  return state == "draft" || state == "awaiting_validation" ||
         state == "validated";
}

Result<CaseRecord> LoadCase(store::Transaction& txn, const std::string& id) {
  CaseRecord r;
  EVIDEX_ASSIGN_OR_RETURN(r.c, txn.GetCase(id));
  // The node wrote this JSON itself: no need to look for repeated keys.
  auto decision =
      ParseJson(r.c.decision_json, JsonLimits{.allow_duplicate_keys = true});
  if (!decision || !decision->is_object() ||
      !decision->as_object().contains("facts")) {
    return Err(DataLossError("case `" + id + "` has no readable facts"));
  }
  EVIDEX_ASSIGN_OR_RETURN(r.facts, workflow::ParseFacts(decision->at("facts")));
  if (const bj::value* rec = decision->as_object().if_contains("recipients")) {
    if (!rec->is_array())
      return Err(DataLossError("case `" + id + "` has malformed recipients"));
    for (const bj::value& v : rec->as_array()) {
      if (!v.is_object() || !v.as_object().contains("organisation_id") ||
          !v.as_object().contains("role")) {
        return Err(DataLossError("case `" + id + "` has malformed recipients"));
      }
      r.recipients.push_back({id,
                              std::string(v.at("organisation_id").as_string()),
                              std::string(v.at("role").as_string())});
    }
  }
  EVIDEX_ASSIGN_OR_RETURN(r.parties, txn.ListCaseParties(id));
  EVIDEX_ASSIGN_OR_RETURN(auto deadlines, txn.ListDeadlines(id));
  for (const store::Deadline& d : deadlines)
    r.deadlines.push_back(FromStore(d));
  return r;
}

// The roles the organisation holds in the case; empty when it is not a party.
std::vector<std::string> RolesOf(const CaseRecord& r,
                                 const std::string& organisation_id) {
  std::vector<std::string> roles;
  for (const store::CaseParty& p : r.parties) {
    if (p.organisation_id == organisation_id) roles.push_back(p.role);
  }
  return roles;
}

std::vector<std::string_view> ActionsFor(const CaseRecord& r,
                                         const Principal& p, Instant now) {
  std::vector<std::string_view> out;
  const workflow::Machine* m = workflow::FindMachine(r.c.procedure);
  if (m == nullptr) return out;
  workflow::CaseView view{r.c.id, r.c.state, r.deadlines};
  for (const std::string& role : RolesOf(r, p.organisation.id)) {
    for (std::string_view a : workflow::AvailableActions(
             *m, r.facts, view, {role, p.person.roles}, now)) {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
  }
  return out;
}

void WriteCaseSummary(JsonWriter& w, const store::Case& c) {
  w.Key("id");
  w.String(c.id);
  w.Key("procedure");
  w.String(c.procedure);
  w.Key("state");
  w.String(c.state);
  w.Key("version");
  w.Int(c.version);
  w.Key("issuing_organisation_id");
  w.String(c.issuing_organisation_id);
  w.Key("created_at");
  w.String(FormatInstant(c.created_at));
  w.Key("updated_at");
  w.String(FormatInstant(c.updated_at));
}

std::string CaseJson(const CaseRecord& r, const Principal& p, Instant now) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  WriteCaseSummary(w, r.c);
  w.Key("parties");
  w.BeginArray();
  for (const store::CaseParty& party : r.parties) {
    w.BeginObject();
    w.Key("organisation_id");
    w.String(party.organisation_id);
    w.Key("role");
    w.String(party.role);
    w.EndObject();
  }
  w.EndArray();
  w.Key("deadlines");
  w.BeginArray();
  for (const workflow::Deadline& d : r.deadlines) {
    w.BeginObject();
    w.Key("name");
    w.String(d.name);
    w.Key("rule");
    w.String(d.rule_id);
    w.Key("due_at");
    w.String(FormatInstant(d.due_at));
    w.Key("status");
    w.String(workflow::kDeadlineStatuses.Name(d.status));
    w.EndObject();
  }
  w.EndArray();
  w.Key("available_actions");
  w.BeginArray();
  for (std::string_view a : ActionsFor(r, p, now)) w.String(a);
  w.EndArray();
  w.EndObject();
  // The order and the facts are stored JSON: splice them in as they are.
  out.pop_back();
  out += ",\"facts\":" + workflow::FactsJson(r.facts) +
         ",\"order\":" + r.c.content_json + "}";
  return out;
}

// The ids of the files attached to a case, from its `attachment_added` events
// (written with each attachment; no file's bytes are read).
Result<std::vector<std::string>> AttachmentIds(
    const std::vector<store::CaseEvent>& events) {
  std::vector<std::string> ids;
  for (const store::CaseEvent& e : events) {
    if (e.type != "attachment_added") continue;
    auto payload =
        ParseJson(e.payload_json, JsonLimits{.allow_duplicate_keys = true});
    const bj::value* id =
        payload && payload->is_object()
            ? payload->as_object().if_contains("attachment_id")
            : nullptr;
    if (id == nullptr || !id->is_string()) {
      return Err(DataLossError("case `" + e.case_id +
                               "` has a malformed attachment event"));
    }
    ids.emplace_back(id->as_string());
  }
  return ids;
}

}  // namespace

api::Response Node::CreateCase(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  auto idempotency_key = IdempotencyKey(req, "creating");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  std::string_view key = *idempotency_key;
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::string procedure = r.String("procedure", true, 64);
  std::string addressee_id = r.String("addressee_organisation_id", true, 128);
  std::string validator_id = r.String("validating_organisation_id", false, 128);
  const bj::object* query_json = r.Object("query");
  const bj::object* order = r.Object("order");
  r.CheckKnown({"procedure", "addressee_organisation_id",
                "validating_organisation_id", "query", "order"});
  if (!r.ok()) return Problem(r.status(), req);
  std::string request_hash =
      HashSecret(req.method + " " + req.path + "\n" + req.body);

  api::Response response;
  std::vector<api::ProblemItem> items;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    if (!p.HasScope("write") || !p.HasRole("issuer")) {
      return Status(StatusCode::kPermissionDenied,
                    "creating an order needs the issuer role");
    }
    EVIDEX_ASSIGN_OR_RETURN(
        bool replayed,
        ReplayIdempotent(txn, p.person.id, key, request_hash, response));
    if (replayed) return OkStatus();
    if (query_json->contains("parties")) {
      return InvalidArgumentError(
          "field `query.parties`: a case is routed under the registry (and the "
          "node's own overrides), not under States its issuer describes");
    }
    auto query = law::ParseQuery(bj::serialize(*query_json), law_.book,
                                 law_.registry, DateOf(now));
    if (!query)
      return InvalidArgumentError("in `query`: " + query.error().message());
    if (law::StateCodeName(query->issuing_state) != p.organisation.state) {
      return Status(StatusCode::kPermissionDenied,
                    "an organisation of `" + p.organisation.state +
                        "` issues orders of its own State only");
    }
    for (const law::StateRecord& o : options_.party_overrides) {
      if (std::none_of(
              query->parties.begin(), query->parties.end(),
              [&](const law::StateRecord& q) { return q.code == o.code; })) {
        query->parties.push_back(o);
      }
    }
    law::Decision decision = law::Decide(law_.book, law_.registry, *query);
    auto plan = workflow::PlanCase(law_.book, *query, decision, procedure,
                                   bj::value(*order));
    if (!plan) {
      for (const law::ChannelOutcome& c : decision.excluded) {
        if (law_.book.procedures[c.procedure].id != procedure) continue;
        c.rules.ForEach([&](law::RuleIndex i) {
          const law::Rule& rule = law_.book.rules[i];
          items.push_back({rule.id, rule.explain, rule.cite});
        });
      }
      return plan.error();
    }
    if (!plan->errors.empty()) {
      for (const workflow::FieldError& e : plan->errors) {
        items.push_back({"order." + e.field, e.problem, e.cite});
      }
      return InvalidArgumentError("the order lacks content the law requires");
    }
    const workflow::CaseFacts& facts = plan->facts;
    if (std::find(p.organisation.authorities.begin(),
                  p.organisation.authorities.end(), facts.issuing_authority) ==
        p.organisation.authorities.end()) {
      return Status(StatusCode::kPermissionDenied,
                    "field `order.issuing_authority.authority`: `" +
                        facts.issuing_authority + "` is not what `" +
                        p.organisation.name + "` is");
    }

    auto addressee = txn.GetOrganisation(addressee_id);
    if (!addressee || addressee->state != facts.addressee_state) {
      return InvalidArgumentError(
          "field `addressee_organisation_id`: no organisation of `" +
          facts.addressee_state + "` with this id is hosted on this node");
    }
    if (addressee->kind != KindFor(facts.addressee_role)) {
      return InvalidArgumentError(
          "field `addressee_organisation_id`: the law sends this order to a `" +
          facts.addressee_role + "`, which `" + addressee->name + "` is not");
    }
    std::string id = NewId("case");
    std::vector<store::CaseParty> parties{{id, p.organisation.id, "issuer"}};
    // Authorities that receive a request for their State take the part the
    // procedure gives them; providers, their establishments and representatives
    // are the addressee.
    std::string addressee_role = "addressee";
    for (std::string_view role :
         {"requested_party", "point_of_contact_24_7", "central_authority"}) {
      if (facts.addressee_role == role) addressee_role = std::string(role);
    }
    std::vector<store::CaseParty> recipients{
        {id, addressee->id, addressee_role}};
    if (!validator_id.empty()) {
      auto validator = txn.GetOrganisation(validator_id);
      bool competent =
          validator && validator->state == p.organisation.state &&
          std::any_of(validator->authorities.begin(),
                      validator->authorities.end(), [&](const std::string& a) {
                        return std::find(facts.validating_authorities.begin(),
                                         facts.validating_authorities.end(),
                                         a) !=
                               facts.validating_authorities.end();
                      });
      if (!competent) {
        return InvalidArgumentError(
            "field `validating_organisation_id`: not an authority of the "
            "issuing State competent to validate this order");
      }
      parties.push_back({id, validator->id, "validator"});
    } else if (facts.validation_required && !facts.ex_post_validation) {
      return InvalidArgumentError(
          "field `validating_organisation_id`: this order must be "
          "validated; name the validating authority");
    }
    if (facts.notification_required) {
      EVIDEX_ASSIGN_OR_RETURN(auto orgs, txn.ListOrganisations());
      std::string_view kind = facts.notified_role == "enforcing_authority"
                                  ? "enforcing_authority"
                                  : "central_authority";
      for (const store::Organisation& o : orgs) {
        if (o.state == facts.addressee_state && o.kind == kind) {
          recipients.push_back({id, o.id, facts.notified_role});
          break;
        }
      }
      // The law requires the notification: an order that cannot make it is
      // not created.
      if (recipients.size() < 2) {
        return FailedPreconditionError(
            "the law requires notifying the " + facts.notified_role + " of `" +
            facts.addressee_state +
            "`, and no such authority is hosted on this node");
      }
    }
    std::string recipients_json;
    {
      JsonWriter w(recipients_json);
      w.BeginArray();
      for (const store::CaseParty& recipient : recipients) {
        w.BeginObject();
        w.Key("organisation_id");
        w.String(recipient.organisation_id);
        w.Key("role");
        w.String(recipient.role);
        w.EndObject();
      }
      w.EndArray();
    }
    std::string decision_json;
    law::AppendDecisionJson(law_.book, decision, decision_json);
    store::Case c;
    c.id = id;
    c.procedure = procedure;
    c.state = std::string(workflow::FindMachine(procedure)->initial);
    c.issuing_organisation_id = p.organisation.id;
    c.created_at = now;
    c.updated_at = now;
    c.content_json = bj::serialize(*order);
    // The case keeps what its steps need (facts, recipients); the full routing
    // decision it was created under goes into its first event, the history.
    c.decision_json = "{\"facts\":" + workflow::FactsJson(facts) +
                      ",\"recipients\":" + recipients_json + "}";
    store::CaseEvent created;
    created.case_id = id;
    created.type = "created";
    created.actor_person_id = p.person.id;
    created.actor_organisation_id = p.organisation.id;
    created.at = now;
    created.payload_json = "{\"procedure\":\"" + procedure +
                           "\",\"decision\":" + decision_json + "}";
    EVIDEX_ASSIGN_OR_RETURN(auto event, txn.CreateCase(c, parties, created));
    static_cast<void>(event);

    CaseRecord record{c, facts, parties, recipients, {}};
    record.c.version = 1;
    std::string out = CaseJson(record, p, now);
    EVIDEX_RETURN_IF_ERROR(txn.PutIdempotency(
        {std::string(key), p.person.id, request_hash, 201, out, now}));
    response = JsonResponse(201, std::move(out));
    response.headers.emplace_back("Location", "/api/v1/cases/" + id);
    metrics_
        .GetCounter("evidex_cases_created_total",
                    "Cases created, by procedure.", {{"procedure", procedure}})
        .Increment();
    log_.Info("case created", {{"request_id", req.request_id},
                               {"case_id", id},
                               {"procedure", procedure}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req, items);
  return response;
}

api::Response Node::GetCase(const api::Request& req) {
  Instant now = clock_.Now();
  std::string out;
  store::AccessRecord access;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto p = Authenticate(req, **txn, now);
    if (!p) return Problem(p.error(), req);
    auto record = LoadCase(**txn, req.params.at("id"));
    if (!record && record.error().code() != StatusCode::kNotFound) {
      return Problem(record.error(), req);
    }
    // A case the organisation is not party to does not exist for it, whatever
    // the credentials' scopes.
    if (!record || RolesOf(*record, p->organisation.id).empty()) {
      return Problem(NotFoundError("no such case"), req);
    }
    if (!p->HasScope("read")) {
      return Problem(
          Status(StatusCode::kPermissionDenied, "needs scope `read`"), req);
    }
    out = CaseJson(*record, *p, now);
    access = {p->person.id, p->organisation.id, record->c.id,
              "read_case",  Purpose(req),       now};
  }
  // No case data leaves without its access record being durable.
  return AfterRecording(JsonResponse(200, std::move(out)), std::move(access));
}

api::Response Node::ListCases(const api::Request& req) {
  Instant now = clock_.Now();
  auto reading = ReadAs(req, now, "read");
  if (!reading) return Problem(reading.error(), req);
  store::Transaction& txn = *reading->txn;
  const Principal* p = &reading->principal;
  auto limit = PageLimit(req);
  if (!limit) return Problem(limit.error(), req);
  auto page = txn.ListCasesForOrganisation(p->organisation.id,
                                           req.QueryParam("cursor"), *limit);
  if (!page) return Problem(page.error(), req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("cases");
  w.BeginArray();
  for (const store::Case& c : page->cases) {
    w.BeginObject();
    WriteCaseSummary(w, c);
    w.EndObject();
  }
  w.EndArray();
  w.Key("next_cursor");
  w.StringOrNull(page->next_cursor);
  w.EndObject();
  return JsonResponse(200, std::move(out));
}

api::Response Node::CaseEvents(const api::Request& req) {
  Instant now = clock_.Now();
  std::string out = "{\"events\":[";
  store::AccessRecord access;
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    auto p = Authenticate(req, **txn, now);
    if (!p) return Problem(p.error(), req);
    const std::string& id = req.params.at("id");
    auto parties = (*txn)->ListCaseParties(id);
    bool party =
        parties &&
        std::any_of(parties->begin(), parties->end(), [&](const auto& cp) {
          return cp.organisation_id == p->organisation.id;
        });
    if (!party) return Problem(NotFoundError("no such case"), req);
    if (!p->HasScope("read")) {
      return Problem(
          Status(StatusCode::kPermissionDenied, "needs scope `read`"), req);
    }
    auto events = (*txn)->ListEvents(id);
    if (!events) return Problem(events.error(), req);
    for (std::size_t i = 0; i < events->size(); ++i) {
      const store::CaseEvent& e = (*events)[i];
      if (i > 0) out += ",";
      std::string head;
      JsonWriter w(head);
      w.BeginObject();
      w.Key("seq");
      w.Int(e.seq);
      w.Key("type");
      w.String(e.type);
      w.Key("actor_person_id");
      w.StringOrNull(e.actor_person_id);
      w.Key("actor_organisation_id");
      w.StringOrNull(e.actor_organisation_id);
      w.Key("at");
      w.String(FormatInstant(e.at));
      w.Key("leaf_index");
      if (e.leaf_index) {
        w.Int(*e.leaf_index);
      } else {
        w.Null();
      }
      w.EndObject();
      head.pop_back();
      out += head + ",\"payload\":" + e.payload_json + "}";
    }
    out += "]}";
    access = {p->person.id,  p->organisation.id, id,
              "read_events", Purpose(req),       now};
  }
  return AfterRecording(JsonResponse(200, std::move(out)), std::move(access));
}

api::Response Node::TakeAction(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  std::string input = "{}";
  std::vector<std::string> attachments;
  if (!req.body.empty()) {
    auto body = api::ParseBody(req.body);
    if (!body) return Problem(body.error(), req);
    api::FieldReader r(body->as_object());
    r.String("comment", false, 10000);
    r.Strings("reasons", 20, false, 200);
    attachments = r.Strings("attachments", 100, false, 128);
    r.CheckKnown({"comment", "reasons", "attachments"});
    if (!r.ok()) return Problem(r.status(), req);
    input = bj::serialize(*body);
  }
  const std::string& action = req.params.at("action");
  api::Response response;
  std::optional<SignedAction> refusal;
  std::string refusal_org;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    refusal.reset();
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    auto record = LoadCase(txn, req.params.at("id"));
    if (!record && record.error().code() != StatusCode::kNotFound)
      return record.error();
    std::vector<std::string> roles;
    if (record) roles = RolesOf(*record, p.organisation.id);
    if (roles.empty()) return NotFoundError("no such case");
    if (!p.HasScope("write"))
      return Status(StatusCode::kPermissionDenied, "needs scope `write`");
    if (!attachments.empty()) {
      EVIDEX_ASSIGN_OR_RETURN(auto events, txn.ListEvents(record->c.id));
      EVIDEX_ASSIGN_OR_RETURN(std::vector<std::string> attached,
                              AttachmentIds(events));
      for (const std::string& id : attachments) {
        if (std::find(attached.begin(), attached.end(), id) == attached.end())
          return InvalidArgumentError("field `attachments`: `" + id +
                                      "` is not an attachment of this case");
      }
    }
    const workflow::Machine* machine =
        workflow::FindMachine(record->c.procedure);
    if (machine == nullptr) return DataLossError("no machine for the case");
    workflow::CaseView view{record->c.id, record->c.state, record->deadlines};
    Result<workflow::Step> step =
        Err(Status(StatusCode::kPermissionDenied, "not allowed"));
    std::string acting_role;
    for (const std::string& role : roles) {
      auto attempt = workflow::Apply(*machine, record->facts, view, action,
                                     {role, p.person.roles}, now);
      if (attempt) {
        step = std::move(attempt);
        acting_role = role;
        break;
      }
      if (step.error().code() == StatusCode::kPermissionDenied)
        step = std::move(attempt);
    }
    if (!step) return step.error();
    // An action that binds the organisation is signed as it, and verified as
    // its receivers will, before anything of it is stored.
    std::string signed_document;
    if (SignedKindOf(action)) {
      EVIDEX_ASSIGN_OR_RETURN(auto events, txn.ListEvents(record->c.id));
      auto input_value = ParseJson(input, JsonLimits{.max_depth = 64});
      if (!input_value) return input_value.error();
      EVIDEX_ASSIGN_OR_RETURN(
          SignedAction signed_action,
          SignAction(txn, master_key_, record->c, record->facts, events,
                     p.organisation, p.person.id, acting_role, action,
                     *input_value, now));
      if (signed_action.refused()) {
        refusal = signed_action;
        refusal_org = p.organisation.id;
        return Status(StatusCode::kPermissionDenied,
                      signed_action.refusal_reason + ": " +
                          signed_action.refusal_message);
      }
      signed_document = std::move(signed_action.envelope_json);
    }

    store::Case updated = record->c;
    updated.state = step->to;
    updated.updated_at = now;
    EVIDEX_ASSIGN_OR_RETURN(updated.version, txn.UpdateCase(updated));
    for (const workflow::Deadline& d : step->deadlines) {
      EVIDEX_RETURN_IF_ERROR(txn.PutDeadline(ToStore(d)));
    }
    // Transmission: the addressee and the notified authority join the case.
    if (BeforeTransmission(step->from) && !BeforeTransmission(step->to) &&
        step->to != "withdrawn") {
      for (const store::CaseParty& recipient : record->recipients) {
        EVIDEX_RETURN_IF_ERROR(txn.AddCaseParty(recipient));
      }
    }
    store::CaseEvent event;
    event.case_id = updated.id;
    event.type = step->event_type;
    event.actor_person_id = p.person.id;
    event.actor_organisation_id = p.organisation.id;
    event.at = now;
    event.payload_json =
        "{\"step\":" + workflow::StepJson(*step) + ",\"input\":" + input +
        (signed_document.empty() ? ""
                                 : ",\"signed_document\":" + signed_document) +
        "}";
    EVIDEX_ASSIGN_OR_RETURN(auto appended, txn.AppendEvent(event));
    static_cast<void>(appended);
    EVIDEX_ASSIGN_OR_RETURN(CaseRecord reloaded, LoadCase(txn, updated.id));
    response = JsonResponse(200, CaseJson(reloaded, p, now));
    log_.Info("case action", {{"request_id", req.request_id},
                              {"case_id", updated.id},
                              {"action", action},
                              {"state", updated.state}});
    return OkStatus();
  });
  if (refusal) {
    RecordRefusal(store_, log_, now, "signing_refused", refusal->refusal_reason,
                  refusal_org, req.params.at("id"), req.request_id,
                  refusal->refusal_message);
    return Problem(status, req, {{"reason", refusal->refusal_reason, ""}});
  }
  if (!status.ok()) return Problem(status, req);
  return response;
}

api::Response Node::Inbox(const api::Request& req) {
  // At most this many cases are looked at per call; the cursor carries on.
  constexpr int kScanBudget = 1000;
  Instant now = clock_.Now();
  auto reading = ReadAs(req, now, "read");
  if (!reading) return Problem(reading.error(), req);
  store::Transaction& txn = *reading->txn;
  const Principal* p = &reading->principal;
  auto limit = PageLimit(req);
  if (!limit) return Problem(limit.error(), req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("cases");
  w.BeginArray();
  std::string cursor = req.QueryParam("cursor");
  int found = 0, scanned = 0;
  do {
    // Never more cases than can still be listed: a page ends between cases.
    int want = std::min(*limit - found, kScanBudget - scanned);
    auto page = txn.ListCasesForOrganisation(p->organisation.id, cursor, want);
    if (!page) return Problem(page.error(), req);
    for (const store::Case& c : page->cases) {
      ++scanned;
      auto record = LoadCase(txn, c.id);
      if (!record) return Problem(record.error(), req);
      std::vector<std::string_view> actions = ActionsFor(*record, *p, now);
      if (actions.empty()) continue;
      ++found;
      w.BeginObject();
      WriteCaseSummary(w, c);
      w.Key("available_actions");
      w.BeginArray();
      for (std::string_view a : actions) w.String(a);
      w.EndArray();
      w.EndObject();
    }
    cursor = page->next_cursor;
  } while (!cursor.empty() && found < *limit && scanned < kScanBudget);
  w.EndArray();
  w.Key("next_cursor");
  w.StringOrNull(cursor);
  w.EndObject();
  return JsonResponse(200, std::move(out));
}

Result<int> Node::CheckDeadlines(Instant now) {
  std::vector<std::string> cases;
  {
    EVIDEX_ASSIGN_OR_RETURN(auto txn, store_.BeginRead());
    EVIDEX_ASSIGN_OR_RETURN(auto due, txn->ListDeadlinesToCheck(now, 200));
    for (const store::Deadline& d : due) {
      if (std::find(cases.begin(), cases.end(), d.case_id) == cases.end()) {
        cases.push_back(d.case_id);
      }
    }
  }
  int events = 0;
  // Each case in its own atomic write: one case that cannot be read must not
  // stop the deadlines of the others.
  for (const std::string& id : cases) {
    int appended = 0;
    Status s = store_.Write([&](store::Transaction& txn) -> Status {
      appended = 0;
      EVIDEX_ASSIGN_OR_RETURN(CaseRecord record, LoadCase(txn, id));
      const workflow::Machine* machine =
          workflow::FindMachine(record.c.procedure);
      for (const workflow::DeadlineEvent& e :
           workflow::CheckDeadlines(record.deadlines, now)) {
        EVIDEX_RETURN_IF_ERROR(txn.PutDeadline(ToStore(e.deadline)));
        store::CaseEvent event{
            id, 0, 0, e.type, "", "", now, e.payload_json, std::nullopt};
        EVIDEX_ASSIGN_OR_RETURN(auto stored, txn.AppendEvent(event));
        static_cast<void>(stored);
        ++appended;
        if (e.deadline.status != workflow::DeadlineStatus::kMissed ||
            machine == nullptr) {
          continue;
        }
        auto expiry = machine->ExpiryAction(e.deadline.name);
        if (!expiry) continue;
        EVIDEX_ASSIGN_OR_RETURN(record, LoadCase(txn, id));
        workflow::CaseView view{record.c.id, record.c.state, record.deadlines};
        auto step = workflow::Apply(*machine, record.facts, view, *expiry,
                                    {"system", {}}, now);
        if (!step) continue;  // the case has moved on; nothing expires
        store::Case updated = record.c;
        updated.state = step->to;
        updated.updated_at = now;
        EVIDEX_ASSIGN_OR_RETURN(auto version, txn.UpdateCase(updated));
        static_cast<void>(version);
        for (const workflow::Deadline& d : step->deadlines) {
          EVIDEX_RETURN_IF_ERROR(txn.PutDeadline(ToStore(d)));
        }
        store::CaseEvent moved{
            id,          0,
            0,           step->event_type,
            "",          "",
            now,         "{\"step\":" + workflow::StepJson(*step) + "}",
            std::nullopt};
        EVIDEX_ASSIGN_OR_RETURN(auto stored_move, txn.AppendEvent(moved));
        static_cast<void>(stored_move);
        ++appended;
        // The expiry changed the deadlines: the next pass sees them afresh.
        break;
      }
      return OkStatus();
    });
    if (s.ok()) {
      events += appended;
    } else {
      log_.Error("deadline check of a case failed",
                 {{"case_id", id}, {"error", s.message()}});
    }
  }
  return events;
}

}  // namespace evidex::node
