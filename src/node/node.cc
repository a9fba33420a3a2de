#include "node/node.h"

#include <algorithm>

#include "api/json_body.h"
#include "api/problem.h"
#include "core/json.h"
#include "law/decision_json.h"
#include "law/engine.h"
#include "law/query.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/openapi.h"
#include "node/secrets.h"

namespace evidex::node {
namespace {

void WriteOrganisation(JsonWriter& w, const store::Organisation& o) {
  w.BeginObject();
  w.Key("id");
  w.String(o.id);
  w.Key("name");
  w.String(o.name);
  w.Key("kind");
  w.String(o.kind);
  w.Key("state");
  w.String(o.state);
  w.Key("authorities");
  w.BeginArray();
  for (const std::string& a : o.authorities) w.String(a);
  w.EndArray();
  w.EndObject();
}

void WriteStrings(JsonWriter& w, const std::vector<std::string>& items) {
  w.BeginArray();
  for (const std::string& s : items) w.String(s);
  w.EndArray();
}

// GET /api/v1/openapi.json: the API's description; public, like /healthz.
api::Response OpenApiDocument(const api::Request&) {
  return JsonResponse(200, std::string(OpenApiJson()));
}

}  // namespace

Node::Node(store::Store& store, const law::Law& law, const Clock& clock,
           Logger& log, api::Metrics& metrics, const MasterKey& master_key,
           NodeOptions options)
    : store_(store),
      law_(law),
      clock_(clock),
      log_(log),
      metrics_(metrics),
      master_key_(master_key),
      options_(std::move(options)),
      access_(store) {}

api::Response Node::AfterRecording(api::Response response,
                                   store::AccessRecord access) {
  response.before_send =
      [this, access = std::move(access)](api::Completion done) mutable {
        access_.Record(std::move(access), std::move(done));
      };
  return response;
}

Result<Node::Reading> Node::ReadAs(const api::Request& req, Instant now,
                                   std::string_view scope) {
  Reading r;
  EVIDEX_ASSIGN_OR_RETURN(r.txn, store_.BeginRead());
  EVIDEX_ASSIGN_OR_RETURN(r.principal, Authenticate(req, *r.txn, now));
  if (!scope.empty() && !r.principal.HasScope(scope)) {
    return Err(Status(StatusCode::kPermissionDenied,
                      "needs scope `" + std::string(scope) + "`"));
  }
  return r;
}

void Node::RegisterRoutes(api::Router& router) {
  auto bind = [this](api::Response (Node::*fn)(const api::Request&)) {
    return [this, fn](const api::Request& req) { return (this->*fn)(req); };
  };
  // Reads of the store are short (WAL readers never wait for writers) and run
  // on the network threads; handlers that write, or hash passwords, run on
  // workers. Reads of case data wait for their access record without a thread
  // (AfterRecording).
  constexpr auto kInline = api::Threading::kInline;
  router.Add("GET", "/healthz", bind(&Node::Health), kInline);
  router.Add("GET", "/metrics", bind(&Node::MetricsPage), kInline);
  router.Add("GET", "/api/v1/openapi.json", OpenApiDocument, kInline);
  router.Add("GET", "/api/v1/me", bind(&Node::Me), kInline);
  router.Add("GET", "/api/v1/organisations", bind(&Node::Organisations),
             kInline);
  router.Add("POST", "/api/v1/route", bind(&Node::Route), kInline);
  router.Add("POST", "/api/v1/auth/login", bind(&Node::Login));
  router.Add("POST", "/api/v1/auth/logout", bind(&Node::Logout));
  router.Add("POST", "/api/v1/tokens", bind(&Node::CreateToken));
  router.Add("DELETE", "/api/v1/tokens/{id}", bind(&Node::RevokeToken));
  router.Add("POST", "/api/v1/cases", bind(&Node::CreateCase));
  router.Add("GET", "/api/v1/cases", bind(&Node::ListCases), kInline);
  router.Add("GET", "/api/v1/cases/{id}", bind(&Node::GetCase), kInline);
  router.Add("GET", "/api/v1/cases/{id}/events", bind(&Node::CaseEvents),
             kInline);
  router.Add("POST", "/api/v1/cases/{id}/actions/{action}",
             bind(&Node::TakeAction));
  router.Add("GET", "/api/v1/inbox", bind(&Node::Inbox), kInline);
  router.Add("POST", "/api/v1/cases/{id}/attachments", bind(&Node::AttachFile));
  router.Add("GET", "/api/v1/attachments/{id}",
             bind(&Node::DownloadAttachment));
  router.Add("GET", "/api/v1/organisations/{id}/keys", bind(&Node::ListKeys));
  router.Add("POST", "/api/v1/organisations/{id}/keys",
             bind(&Node::RotateOrganisationKey));
  router.Add("POST", "/api/v1/organisations/{id}/keys/{key_id}/revoke",
             bind(&Node::RevokeOrganisationKey));
  router.Add("POST", "/api/v1/deliveries", bind(&Node::Deliver));
  router.Add("GET", "/api/v1/organisations/{id}/security-events",
             bind(&Node::SecurityEvents), kInline);
  router.Add("GET", "/api/v1/organisations/{id}/settings",
             bind(&Node::GetSettings));
  router.Add("PUT", "/api/v1/organisations/{id}/settings",
             bind(&Node::PutSettings));
  router.Add("POST", "/api/v1/cases/{id}/approvals",
             bind(&Node::ApproveSigning));
}

api::Response Node::Health(const api::Request& req) {
  auto txn = store_.BeginRead();
  if (!txn) return Problem(UnavailableError("the store is unavailable"), req);
  return JsonResponse(200, R"({"status":"ok"})");
}

api::Response Node::MetricsPage(const api::Request& req) {
  auto r = ReadAs(req, clock_.Now(), "read");
  if (!r) return Problem(r.error(), req);
  const Principal* p = &r->principal;
  if (!p->HasRole("admin") && !p->HasRole("auditor")) {
    return Problem(Status(StatusCode::kPermissionDenied,
                          "metrics are for administrators and auditors"),
                   req);
  }
  api::Response page;
  page.content_type = "text/plain; version=0.0.4";
  page.body = metrics_.Render();
  return page;
}

api::Response Node::Me(const api::Request& req) {
  auto r = ReadAs(req, clock_.Now(), "read");
  if (!r) return Problem(r.error(), req);
  const Principal* p = &r->principal;
  std::string body;
  JsonWriter w(body);
  w.BeginObject();
  w.Key("person");
  w.BeginObject();
  w.Key("id");
  w.String(p->person.id);
  w.Key("name");
  w.String(p->person.name);
  w.Key("email");
  w.String(p->person.email);
  w.Key("roles");
  WriteStrings(w, p->person.roles);
  w.EndObject();
  w.Key("organisation");
  WriteOrganisation(w, p->organisation);
  w.Key("scopes");
  WriteStrings(w, p->scopes);
  w.EndObject();
  return JsonResponse(200, std::move(body));
}

api::Response Node::Organisations(const api::Request& req) {
  auto r = ReadAs(req, clock_.Now(), "read");
  if (!r) return Problem(r.error(), req);
  auto orgs = r->txn->ListOrganisations();
  if (!orgs) return Problem(orgs.error(), req);
  std::string body;
  JsonWriter w(body);
  w.BeginObject();
  w.Key("organisations");
  w.BeginArray();
  for (const store::Organisation& o : *orgs) WriteOrganisation(w, o);
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, std::move(body));
}

api::Response Node::Route(const api::Request& req) {
  {
    auto r = ReadAs(req, clock_.Now(), "read");
    if (!r) return Problem(r.error(), req);
  }
  auto query =
      law::ParseQuery(req.body, law_.book, law_.registry, DateOf(clock_.Now()));
  if (!query) return Problem(query.error(), req);
  for (const law::StateRecord& o : options_.party_overrides) {
    bool named = std::any_of(
        query->parties.begin(), query->parties.end(),
        [&](const law::StateRecord& r) { return r.code == o.code; });
    if (!named) query->parties.push_back(o);
  }
  std::string body;
  law::AppendDecisionJson(law_.book,
                          law::Decide(law_.book, law_.registry, *query), body);
  return JsonResponse(200, std::move(body));
}

api::Response Node::Login(const api::Request& req) {
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::string email = r.String("email", true, 320);
  std::string password = r.String("password", true, 1024);
  r.CheckKnown({"email", "password"});
  if (!r.ok()) return Problem(r.status(), req);
  // The password is checked outside any write transaction: Argon2id is slow
  // by design and must not hold up other writers.
  Result<store::Person> person = Err(NotFoundError("no such person"));
  {
    auto txn = store_.BeginRead();
    if (!txn) return Problem(txn.error(), req);
    person = (*txn)->GetPersonByEmail(email);
  }
  // The same work whether or not the person exists, so that timing does not
  // tell.
  static const std::string kDummy =
      HashPassword("evidex-timing-equaliser").value();
  bool ok = VerifyPassword(person ? person->password_hash : kDummy, password) &&
            person && !person->disabled;
  if (!ok) {
    log_.Warning("login refused", {{"request_id", req.request_id}});
    return Problem(
        Status(StatusCode::kUnauthenticated, "unknown email or wrong password"),
        req);
  }
  Secret secret = NewSecret(kSessionPrefix);
  store::Session session;
  session.id_hash = secret.hash;
  session.person_id = person->id;
  session.created_at = clock_.Now();
  session.expires_at = session.created_at + options_.session_lifetime;
  Status s = store_.Write(
      [&](store::Transaction& t) { return t.PutSession(session); });
  if (!s.ok()) return Problem(s, req);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("token");
  w.String(secret.value);
  w.Key("expires_at");
  w.String(FormatInstant(session.expires_at));
  w.EndObject();
  return JsonResponse(201, std::move(out));
}

api::Response Node::Logout(const api::Request& req) {
  auto txn = store_.Begin();
  if (!txn) return Problem(txn.error(), req);
  auto p = Authenticate(req, **txn, clock_.Now());
  if (!p) return Problem(p.error(), req);
  std::string_view secret = req.Header("authorization").substr(7);
  if (!secret.starts_with(kSessionPrefix)) {
    return Problem(InvalidArgumentError(
                       "log out ends a session; revoke an API token instead"),
                   req);
  }
  Status s = (*txn)->RevokeSession(HashSecret(secret), clock_.Now());
  if (s.ok()) s = (*txn)->Commit();
  if (!s.ok()) return Problem(s, req);
  return JsonResponse(200, R"({"status":"logged_out"})");
}

api::Response Node::CreateToken(const api::Request& req) {
  auto txn = store_.Begin();
  if (!txn) return Problem(txn.error(), req);
  auto p = Authenticate(req, **txn, clock_.Now());
  if (!p) return Problem(p.error(), req);
  if (!p->HasScope("write")) {
    return Problem(Status(StatusCode::kPermissionDenied, "needs scope `write`"),
                   req);
  }
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::vector<std::string> scopes = r.Strings("scopes", 3, true, 16);
  std::optional<std::int64_t> days = r.Int("expires_in_days", 1, 365);
  r.CheckKnown({"scopes", "expires_in_days"});
  if (!r.ok()) return Problem(r.status(), req);
  for (const std::string& s : scopes) {
    if (s != "read" && s != "write" && s != "admin") {
      return Problem(
          InvalidArgumentError("field `scopes`: unknown scope `" + s + "`"),
          req);
    }
    if (!p->HasScope(s)) {
      return Problem(Status(StatusCode::kPermissionDenied,
                            "a token cannot hold scope `" + s +
                                "` that its creator lacks"),
                     req);
    }
  }
  if (scopes.empty())
    return Problem(InvalidArgumentError("field `scopes`: name at least one"),
                   req);
  Secret secret = NewSecret(kTokenPrefix);
  store::ApiToken token;
  token.id = NewId("tok");
  token.person_id = p->person.id;
  token.token_hash = secret.hash;
  token.scopes = scopes;
  token.created_at = clock_.Now();
  // A token never outlives the credentials that made it.
  token.expires_at =
      std::min(token.created_at + std::chrono::days(*days), p->expires_at);
  Status s = (*txn)->PutApiToken(token);
  if (s.ok()) s = (*txn)->Commit();
  if (!s.ok()) return Problem(s, req);
  log_.Info("token created", {{"request_id", req.request_id},
                              {"token_id", token.id},
                              {"person_id", p->person.id}});
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("id");
  w.String(token.id);
  w.Key("token");
  w.String(secret.value);
  w.Key("scopes");
  WriteStrings(w, token.scopes);
  w.Key("expires_at");
  w.String(FormatInstant(token.expires_at));
  w.EndObject();
  return JsonResponse(201, std::move(out));
}

api::Response Node::RevokeToken(const api::Request& req) {
  auto txn = store_.Begin();
  if (!txn) return Problem(txn.error(), req);
  auto p = Authenticate(req, **txn, clock_.Now());
  if (!p) return Problem(p.error(), req);
  if (!p->HasScope("write")) {
    return Problem(Status(StatusCode::kPermissionDenied, "needs scope `write`"),
                   req);
  }
  // A person revokes their own tokens; another person's token is not found.
  const std::string& id = req.params.at("id");
  auto token = (*txn)->GetApiToken(id);
  if (!token || token->person_id != p->person.id) {
    return Problem(NotFoundError("no such token"), req);
  }
  Status s = (*txn)->RevokeApiToken(id, clock_.Now());
  if (s.ok()) s = (*txn)->Commit();
  if (!s.ok()) return Problem(s, req);
  log_.Info("token revoked",
            {{"request_id", req.request_id}, {"token_id", id}});
  return JsonResponse(200, R"({"status":"revoked"})");
}

}  // namespace evidex::node
