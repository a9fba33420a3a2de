#include "node/auth.h"

#include <algorithm>

#include "node/secrets.h"

namespace evidex::node {
namespace {

Status Denied() {
  return Status(StatusCode::kUnauthenticated,
                "missing, unknown, expired or revoked credentials");
}

}  // namespace

bool Principal::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

bool Principal::HasRole(std::string_view role) const {
  return std::find(person.roles.begin(), person.roles.end(), role) !=
         person.roles.end();
}

Result<Principal> Authenticate(const api::Request& request,
                               store::Transaction& txn, Instant now) {
  std::string_view header = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!header.starts_with(kBearer)) return Err(Denied());
  std::string_view secret = header.substr(kBearer.size());
  if (secret.size() > 128) return Err(Denied());
  Principal p;
  std::string person_id;
  if (secret.starts_with(kTokenPrefix)) {
    auto token = txn.GetApiTokenByHash(HashSecret(secret));
    if (!token) {
      if (token.error().code() == StatusCode::kNotFound) return Err(Denied());
      return Err(token.error());
    }
    if (token->revoked_at || token->expires_at <= now) return Err(Denied());
    person_id = token->person_id;
    p.scopes = token->scopes;
    p.token_id = token->id;
    p.expires_at = token->expires_at;
  } else if (secret.starts_with(kSessionPrefix)) {
    auto session = txn.GetSession(HashSecret(secret));
    if (!session) {
      if (session.error().code() == StatusCode::kNotFound) return Err(Denied());
      return Err(session.error());
    }
    if (session->revoked_at || session->expires_at <= now) return Err(Denied());
    person_id = session->person_id;
    p.scopes = {"read", "write"};
    p.expires_at = session->expires_at;
  } else {
    return Err(Denied());
  }
  EVIDEX_ASSIGN_OR_RETURN(p.person, txn.GetPerson(person_id));
  if (p.person.disabled) return Err(Denied());
  if (p.token_id.empty() && p.HasRole("admin")) p.scopes.push_back("admin");
  EVIDEX_ASSIGN_OR_RETURN(p.organisation,
                          txn.GetOrganisation(p.person.organisation_id));
  return p;
}

}  // namespace evidex::node
