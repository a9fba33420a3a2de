// Who is asking: authentication of API requests, and the scopes a principal
// holds.
//
// A request authenticates with `Authorization: Bearer <secret>`, where the
// secret is an API token
// (`evx_t_...`) or a session (`evx_s_...`, created by logging in with a
// password). Both are looked up by their SHA-256 hash; expired, revoked,
// unknown secrets and disabled people all answer kUnauthenticated with the same
// message, so that a caller learns nothing about which part failed. API tokens
// carry scopes (`read`, `write`, `admin`); a session holds all three.
#ifndef EVIDEX_NODE_AUTH_H_
#define EVIDEX_NODE_AUTH_H_

#include <string>
#include <string_view>
#include <vector>

#include "api/http.h"
#include "core/status.h"
#include "core/time.h"
#include "store/store.h"

namespace evidex::node {

inline constexpr std::string_view kTokenPrefix = "evx_t_";
inline constexpr std::string_view kSessionPrefix = "evx_s_";

struct Principal {
  store::Person person;
  store::Organisation organisation;
  std::vector<std::string> scopes;
  std::string token_id;  // the API token used, if any
  Instant expires_at;    // when the credentials used end

  bool HasScope(std::string_view scope) const;
  bool HasRole(std::string_view role) const;
};

// Authenticates `request` within `txn` at `now`.
Result<Principal> Authenticate(const api::Request& request,
                               store::Transaction& txn, Instant now);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_AUTH_H_
