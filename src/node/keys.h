// Organisations' keys: an Ed25519 signing key and an X25519 encryption key per
// organisation, their secret halves sealed under the node's master key.
//
// A key is created valid from the moment of creation. Rotation creates a new
// key of the same kind, which becomes current, and ends the previous current
// key's validity (valid_until) at the same instant: the old key still verifies
// what it signed before. Revocation at T makes nothing the key signed at or
// after T valid; a revoked current key leaves the organisation without one
// until it rotates. The current key of a kind is the newest one valid at `now`
// (not replaced, not revoked).
//
// Secret halves are sealed with the purpose "org-signing-key:<id>" or
// "org-encryption-key:<id>", so a sealed secret cannot be moved to another key.
// They are opened only to sign and never leave the process.
//
// Functions work inside the caller's store transaction; thread-compatible.
// InitSecrets() (node/secrets.h) must have succeeded.
#ifndef EVIDEX_NODE_KEYS_H_
#define EVIDEX_NODE_KEYS_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "crypto/ed25519.h"
#include "node/master_key.h"
#include "sign/signed_document.h"
#include "store/store.h"

namespace evidex::node {

inline constexpr std::string_view kSigningKey = "signing";
inline constexpr std::string_view kEncryptionKey = "encryption";

// Creates a new key of `kind` for the organisation, valid from `now`; the
// current key of that kind, if any, is replaced at `now`. Returns the new key.
// kInvalidArgument for an unknown kind; the store's errors otherwise.
Result<store::OrganisationKey> RotateKey(store::Transaction& txn,
                                         const MasterKey& master,
                                         const std::string& organisation_id,
                                         std::string_view kind, Instant now);

// Gives every organisation that has no current key of a kind one, valid from
// `now` (the organisations of `admin init`, the sandbox, and databases from
// before keys existed). Returns how many keys were created.
Result<int> EnsureOrganisationKeys(store::Transaction& txn,
                                   const MasterKey& master, Instant now);

// The current key of `kind` at `now`; kFailedPrecondition when there is none.
Result<store::OrganisationKey> CurrentKey(store::Transaction& txn,
                                          const std::string& organisation_id,
                                          std::string_view kind, Instant now);

// The organisation's current signing key, opened; kFailedPrecondition when
// there is none, kDataLoss when its sealed secret does not open.
struct SigningKey {
  std::string key_id;
  crypto::Ed25519KeyPair pair;
};
Result<SigningKey> CurrentSigningKey(store::Transaction& txn,
                                     const MasterKey& master,
                                     const std::string& organisation_id,
                                     Instant now);

// The signing key `key_id` as a verifier sees it; nullopt when the store has
// no signing key of that id, or cannot be read (a verifier then refuses the
// signature: it never accepts one it could not check).
std::optional<sign::PublicSigningKey> FindPublicSigningKey(
    store::Transaction& txn, std::string_view key_id);

}  // namespace evidex::node

#endif  // EVIDEX_NODE_KEYS_H_
