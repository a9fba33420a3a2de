// The key endpoints of the node: an organisation's administrators list its
// public keys with their validity, rotate a key in, and revoke one. See
// node/keys.h for what rotation and revocation mean.
#include <span>

#include "api/json_body.h"
#include "core/json.h"
#include "core/log.h"
#include "crypto/encoding.h"
#include "node/auth.h"
#include "node/handler.h"
#include "node/keys.h"
#include "node/node.h"
#include "node/secrets.h"
#include "workflow/rfc3339.h"

namespace evidex::node {
namespace {

// Only the organisation's own administrators, with the admin scope; another
// organisation's keys are not found (its existence is not secret, its key
// management is).
Status CheckKeyAdmin(const Principal& p, const std::string& organisation_id) {
  if (p.organisation.id != organisation_id) {
    return NotFoundError("no such organisation");
  }
  if (!p.HasScope("admin") || !p.HasRole("admin")) {
    return Status(StatusCode::kPermissionDenied,
                  "managing keys needs an administrator with scope `admin`");
  }
  return OkStatus();
}

void WriteOptionalInstant(JsonWriter& w, const std::optional<Instant>& t) {
  if (t) {
    w.String(FormatInstant(*t));
  } else {
    w.Null();
  }
}

void WriteKey(JsonWriter& w, const store::OrganisationKey& k,
              const std::string& current_id) {
  w.BeginObject();
  w.Key("id");
  w.String(k.id);
  w.Key("organisation_id");
  w.String(k.organisation_id);
  w.Key("kind");
  w.String(k.kind);
  w.Key("algorithm");
  w.String(k.kind == kSigningKey ? "Ed25519" : "X25519");
  w.Key("public_key");
  w.String(crypto::Base64Encode(
      std::span(reinterpret_cast<const std::uint8_t*>(k.public_key.data()),
                k.public_key.size())));
  w.Key("valid_from");
  w.String(FormatInstant(k.valid_from));
  w.Key("valid_until");
  WriteOptionalInstant(w, k.valid_until);
  w.Key("revoked_at");
  WriteOptionalInstant(w, k.revoked_at);
  w.Key("current");
  w.Bool(k.id == current_id);
  w.EndObject();
}

std::string KeyJson(const store::OrganisationKey& k, bool current) {
  std::string out;
  JsonWriter w(out);
  WriteKey(w, k, current ? k.id : std::string());
  return out;
}

}  // namespace

api::Response Node::ListKeys(const api::Request& req) {
  Instant now = clock_.Now();
  auto reading = ReadAs(req, now, "");
  if (!reading) return Problem(reading.error(), req);
  const std::string& org_id = req.params.at("id");
  if (Status s = CheckKeyAdmin(reading->principal, org_id); !s.ok()) {
    return Problem(s, req);
  }
  auto keys = reading->txn->ListOrganisationKeys(org_id);
  if (!keys) return Problem(keys.error(), req);
  std::string current_signing, current_encryption;
  if (auto k = CurrentKey(*reading->txn, org_id, kSigningKey, now)) {
    current_signing = k->id;
  }
  if (auto k = CurrentKey(*reading->txn, org_id, kEncryptionKey, now)) {
    current_encryption = k->id;
  }
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("keys");
  w.BeginArray();
  for (const store::OrganisationKey& k : *keys) {
    WriteKey(w, k,
             k.kind == kSigningKey ? current_signing : current_encryption);
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, std::move(out));
}

api::Response Node::RotateOrganisationKey(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  auto idempotency_key = IdempotencyKey(req, "rotating a key");
  if (!idempotency_key) return Problem(idempotency_key.error(), req);
  std::string_view key = *idempotency_key;
  auto body = api::ParseBody(req.body);
  if (!body) return Problem(body.error(), req);
  api::FieldReader r(body->as_object());
  std::string kind = r.String("kind", true, 32);
  r.CheckKnown({"kind"});
  if (!r.ok()) return Problem(r.status(), req);
  if (kind != kSigningKey && kind != kEncryptionKey) {
    return Problem(InvalidArgumentError("field `kind`: `signing` or "
                                        "`encryption`, not `" +
                                        kind + "`"),
                   req);
  }
  const std::string& org_id = req.params.at("id");
  std::string request_hash =
      HashSecret(req.method + " " + req.path + "\n" + req.body);
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    EVIDEX_RETURN_IF_ERROR(CheckKeyAdmin(p, org_id));
    EVIDEX_ASSIGN_OR_RETURN(
        bool replayed,
        ReplayIdempotent(txn, p.person.id, key, request_hash, response));
    if (replayed) return OkStatus();
    EVIDEX_ASSIGN_OR_RETURN(store::OrganisationKey created,
                            RotateKey(txn, master_key_, org_id, kind, now));
    std::string out = KeyJson(created, true);
    EVIDEX_RETURN_IF_ERROR(txn.PutIdempotency(
        {std::string(key), p.person.id, request_hash, 201, out, now}));
    response = JsonResponse(201, std::move(out));
    log_.Info("organisation key rotated", {{"request_id", req.request_id},
                                           {"organisation_id", org_id},
                                           {"key_id", created.id},
                                           {"kind", kind}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

api::Response Node::RevokeOrganisationKey(const api::Request& req) {
  Instant now = clock_.Now();
  if (auto r = ReadAs(req, now, ""); !r) return Problem(r.error(), req);
  // Revocation may reach back: a key found compromised since T is revoked at
  // T, and nothing it signed from T on is valid.
  Instant at = now;
  if (!req.body.empty()) {
    auto body = api::ParseBody(req.body);
    if (!body) return Problem(body.error(), req);
    api::FieldReader r(body->as_object());
    std::string text = r.String("revoked_at", false, 64);
    r.CheckKnown({"revoked_at"});
    if (!r.ok()) return Problem(r.status(), req);
    if (!text.empty()) {
      auto parsed = workflow::ParseRfc3339(text);
      if (!parsed) {
        return Problem(InvalidArgumentError("field `revoked_at`: " +
                                            parsed.error().message()),
                       req);
      }
      if (*parsed > now) {
        return Problem(
            InvalidArgumentError("field `revoked_at`: a key is not revoked in "
                                 "the future; revoke it then"),
            req);
      }
      at = *parsed;
    }
  }
  const std::string& org_id = req.params.at("id");
  const std::string& key_id = req.params.at("key_id");
  api::Response response;
  Status status = store_.Write([&](store::Transaction& txn) -> Status {
    EVIDEX_ASSIGN_OR_RETURN(Principal p, Authenticate(req, txn, now));
    EVIDEX_RETURN_IF_ERROR(CheckKeyAdmin(p, org_id));
    auto k = txn.GetOrganisationKey(key_id);
    if (!k || k->organisation_id != org_id) {
      return NotFoundError("no such key");
    }
    EVIDEX_RETURN_IF_ERROR(txn.RevokeOrganisationKey(key_id, at));
    EVIDEX_ASSIGN_OR_RETURN(store::OrganisationKey revoked,
                            txn.GetOrganisationKey(key_id));
    response = JsonResponse(200, KeyJson(revoked, false));
    log_.Warning("organisation key revoked",
                 {{"request_id", req.request_id},
                  {"organisation_id", org_id},
                  {"key_id", key_id},
                  {"revoked_at", FormatInstant(*revoked.revoked_at)}});
    return OkStatus();
  });
  if (!status.ok()) return Problem(status, req);
  return response;
}

}  // namespace evidex::node
