#include "node/keys.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/sodium.h"
#include "crypto/x25519.h"
#include "node/secrets.h"

namespace evidex::node {
namespace {

std::string Purpose(std::string_view kind, const std::string& key_id) {
  return (kind == kSigningKey ? "org-signing-key:" : "org-encryption-key:") +
         key_id;
}

bool ValidAt(const store::OrganisationKey& k, Instant now) {
  return k.valid_from <= now && (!k.valid_until || now < *k.valid_until) &&
         (!k.revoked_at || now < *k.revoked_at);
}

std::string AsString(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// The current key of `kind` among `keys` (oldest first): the newest valid one.
const store::OrganisationKey* Current(
    const std::vector<store::OrganisationKey>& keys, std::string_view kind,
    Instant now) {
  auto it = std::find_if(keys.rbegin(), keys.rend(), [&](const auto& k) {
    return k.kind == kind && ValidAt(k, now);
  });
  return it == keys.rend() ? nullptr : &*it;
}

}  // namespace

Result<store::OrganisationKey> RotateKey(store::Transaction& txn,
                                         const MasterKey& master,
                                         const std::string& organisation_id,
                                         std::string_view kind, Instant now) {
  if (kind != kSigningKey && kind != kEncryptionKey) {
    return Err(InvalidArgumentError("unknown key kind `" + std::string(kind) +
                                    "`; `signing` or `encryption`"));
  }
  EVIDEX_ASSIGN_OR_RETURN(auto keys, txn.ListOrganisationKeys(organisation_id));
  if (const store::OrganisationKey* old = Current(keys, kind, now)) {
    EVIDEX_RETURN_IF_ERROR(txn.RetireOrganisationKey(old->id, now));
  }
  store::OrganisationKey key;
  key.id = NewId("key");
  key.organisation_id = organisation_id;
  key.kind = std::string(kind);
  key.valid_from = now;
  std::array<std::uint8_t, 32> secret{};
  crypto::RandomBytes(secret);
  if (kind == kSigningKey) {
    EVIDEX_ASSIGN_OR_RETURN(auto pair, crypto::Ed25519KeyPairFromSeed(secret));
    key.public_key = AsString(pair.public_key);
  } else {
    static constexpr std::array<std::uint8_t, 32> kBasePoint = {9};
    EVIDEX_ASSIGN_OR_RETURN(auto public_key,
                            crypto::X25519(secret, kBasePoint));
    key.public_key = AsString(public_key);
  }
  key.sealed_secret = master.Seal(secret, Purpose(kind, key.id));
  std::fill(secret.begin(), secret.end(), std::uint8_t{0});
  EVIDEX_RETURN_IF_ERROR(txn.PutOrganisationKey(key));
  return key;
}

Result<int> EnsureOrganisationKeys(store::Transaction& txn,
                                   const MasterKey& master, Instant now) {
  EVIDEX_ASSIGN_OR_RETURN(auto orgs, txn.ListOrganisations());
  int created = 0;
  for (const store::Organisation& org : orgs) {
    EVIDEX_ASSIGN_OR_RETURN(auto keys, txn.ListOrganisationKeys(org.id));
    for (std::string_view kind : {kSigningKey, kEncryptionKey}) {
      if (Current(keys, kind, now) != nullptr) continue;
      EVIDEX_ASSIGN_OR_RETURN(auto key,
                              RotateKey(txn, master, org.id, kind, now));
      static_cast<void>(key);
      ++created;
    }
  }
  return created;
}

Result<store::OrganisationKey> CurrentKey(store::Transaction& txn,
                                          const std::string& organisation_id,
                                          std::string_view kind, Instant now) {
  EVIDEX_ASSIGN_OR_RETURN(auto keys, txn.ListOrganisationKeys(organisation_id));
  const store::OrganisationKey* current = Current(keys, kind, now);
  if (current == nullptr) {
    return Err(FailedPreconditionError(
        "the organisation has no valid " + std::string(kind) +
        " key; an administrator must rotate one in"));
  }
  return *current;
}

Result<SigningKey> CurrentSigningKey(store::Transaction& txn,
                                     const MasterKey& master,
                                     const std::string& organisation_id,
                                     Instant now) {
  EVIDEX_ASSIGN_OR_RETURN(store::OrganisationKey key,
                          CurrentKey(txn, organisation_id, kSigningKey, now));
  auto seed = master.Open(key.sealed_secret, Purpose(kSigningKey, key.id));
  if (!seed) {
    return Err(DataLossError(
        "the signing key `" + key.id +
        "` does not open under the master key: " + seed.error().message()));
  }
  auto pair = crypto::Ed25519KeyPairFromSeed(*seed);
  std::fill(seed->begin(), seed->end(), std::uint8_t{0});
  if (!pair)
    return Err(DataLossError("the signing key `" + key.id +
                             "` has a malformed secret"));
  if (AsString(pair->public_key) != key.public_key) {
    return Err(DataLossError("the signing key `" + key.id +
                             "` does not match its public key"));
  }
  return SigningKey{key.id, std::move(*pair)};
}

std::optional<sign::PublicSigningKey> FindPublicSigningKey(
    store::Transaction& txn, std::string_view key_id) {
  auto key = txn.GetOrganisationKey(std::string(key_id));
  if (!key || key->kind != kSigningKey) return std::nullopt;
  sign::PublicSigningKey out;
  out.org_id = key->organisation_id;
  out.key_id = key->id;
  std::copy(key->public_key.begin(), key->public_key.end(),
            out.public_key.begin());
  out.valid_from = key->valid_from;
  out.valid_until = key->valid_until;
  out.revoked_at = key->revoked_at;
  return out;
}

}  // namespace evidex::node
