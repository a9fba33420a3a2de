// Secrets and identifiers of the node: random ids, API tokens and session
// secrets (stored only as SHA-256 hashes), and Argon2id password hashes
// (libsodium).
//
// A token or session secret is 32 random bytes in unpadded base64url behind a
// prefix that says what it is (`evx_t_` for API tokens, `evx_s_` for sessions),
// so that a leaked one is easy to recognise and scan for. Only its hash is
// stored; comparing hashes leaks nothing useful about the secret. Thread-safe;
// call InitSecrets() once before use (it initialises libsodium).
#ifndef EVIDEX_NODE_SECRETS_H_
#define EVIDEX_NODE_SECRETS_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace evidex::node {

// Initialises the random generator and libsodium. Fails if the system offers no
// randomness.
Status InitSecrets();

// A fresh identifier: `prefix` + "_" + 26 lowercase base32 characters, the
// creation time in milliseconds (45 bits) and then 85 random bits. Ids sort by
// creation time, so the rows a node adds at a high rate (cases, and everything
// keyed by a case) go to the right edge of each index instead of a random page:
// with random ids, creating orders slowed by a fifth once 100,000 were stored.
// The time in an id is for ordering only, never trusted as a fact.
std::string NewId(std::string_view prefix);

struct Secret {
  std::string value;  // give to the user once; never store or log
  std::string hash;   // hex SHA-256 of value; store this
};

// A fresh secret behind `prefix` (e.g. "evx_t_").
Secret NewSecret(std::string_view prefix);
// The stored form of a secret the user presents.
std::string HashSecret(std::string_view value);

// An Argon2id hash in the PHC string format, with libsodium's interactive
// limits.
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `hash`; false for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_SECRETS_H_
