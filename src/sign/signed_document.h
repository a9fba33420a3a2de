// Signed documents: a JSON document (an order, a validation, a notification,
// an objection, a response, ...) with Ed25519 signatures of organisations.
//
// The wire form is an envelope (docs/formats/signed-document.md):
//   {"document": {"kind": "order", ...},
//    "signatures": [{"signer": ORG_ID, "key_id": KEY_ID, "role": "issuer",
//                    "signed_at": "2026-11-29T09:30:00Z",
//                    "signature": BASE64}]}
// Each signature is Ed25519 over SigningInput(): a domain-separation prefix
// and the RFC 8785 canonical JSON of the document together with that
// signature's own metadata, so a signature cannot be moved to another
// document, signer, key, role or time.
//
// ParseSignedDocument is strict: the envelope is at most kMaxEnvelopeBytes,
// members are exactly those above (unknown or missing members are refused),
// identifiers and roles are bounded words, signed_at is the canonical UTC form,
// a signature is exactly 64 bytes, at most kMaxSignatures signatures.
//
// Verify checks every signature (none may be bad: a bad one means tampering)
// against keys the caller's policy finds, the keys' validity at signed_at, the
// signer's competence for its role, and that every role the policy requires
// signed. It fails with a Rejection whose stable reason code says why (see
// Reason); the message is for people and may change.
//
// Pure apart from the caller's callbacks; thread-compatible. InitSodium()
// (crypto/sodium.h) must have succeeded before Sign or Verify.
#ifndef EVIDEX_SIGN_SIGNED_DOCUMENT_H_
#define EVIDEX_SIGN_SIGNED_DOCUMENT_H_

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/ed25519.h"

namespace evidex::sign {

inline constexpr std::size_t kMaxEnvelopeBytes = 1 << 20;
inline constexpr std::size_t kMaxSignatures = 8;
inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxRoleLength = 32;
// The prefix of every signing input; a signature over anything else (another
// protocol's message, a future version of this one) never verifies here.
inline constexpr std::string_view kSigningDomain =
    "evidex signed document v1\n";

// What a signature says about itself; all of it is signed.
struct SignatureMeta {
  std::string signer;  // the organisation's id
  std::string key_id;  // the signing key's id
  std::string role;    // the signer's role for this document, e.g. "issuer"
  Instant signed_at;   // whole milliseconds, UTC
};

struct Signature {
  SignatureMeta meta;
  crypto::Ed25519Signature value{};
};

struct SignedDocument {
  boost::json::object document;  // has a string "kind"
  std::vector<Signature> signatures;
};

// The canonical wire form of a time: `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` before
// the `Z` only when there are milliseconds.
std::string FormatSignedAt(Instant t);
// Parses exactly what FormatSignedAt writes (years 1970..9999); anything else
// is kInvalidArgument, so each instant has one spelling.
Result<Instant> ParseSignedAt(std::string_view text);

// The bytes a signature signs: kSigningDomain, then the canonical JSON of
// {"document": document, "key_id", "role", "signed_at", "signer"}.
// kInvalidArgument if the document cannot be canonicalised.
Result<std::string> SigningInput(const boost::json::object& document,
                                 const SignatureMeta& meta);

// Checks the shape a signed document must have (a string `kind`, bounded
// identifiers and roles). kInvalidArgument naming the problem.
Status CheckDocument(const boost::json::object& document);
Status CheckMeta(const SignatureMeta& meta);

// Appends the signature of `meta` over `doc.document` made with `key`.
// kInvalidArgument if the document or metadata are malformed,
// kResourceExhausted beyond kMaxSignatures.
Status AddSignature(SignedDocument& doc, SignatureMeta meta,
                    const crypto::Ed25519SecretKey& key);

// Parses an envelope. kInvalidArgument naming the problem (kResourceExhausted
// when over the size or signature limits).
Result<SignedDocument> ParseSignedDocument(std::string_view text);

// The envelope as canonical JSON (what ParseSignedDocument reads back).
Result<std::string> SerializeSignedDocument(const SignedDocument& doc);

// Why verification failed. Codes (ReasonCode) are stable: clients and the
// security log key on them.
enum class Reason {
  kMalformed,         // "malformed": the envelope does not parse
  kUnsigned,          // "unsigned": no signature at all
  kUnknownKey,        // "unknown_key": no such key, or not the signer's
  kWrongSignature,    // "wrong_signature": a signature does not verify
  kKeyRevoked,        // "key_revoked": revoked at or before signed_at
  kKeyExpired,        // "key_expired": replaced (rotated) at or before
                      // signed_at
  kKeyNotYetValid,    // "key_not_yet_valid": signed_at before the key's start
  kNotCompetent,      // "signer_not_competent": the signer may not act so
  kMissingSignature,  // "missing_required_signature": e.g. no validator
  kSignedInFuture,    // "signed_in_future": signed_at after the verifier's
                      // clock allows
};
std::string_view ReasonCode(Reason reason);

struct Rejection {
  Reason reason;
  std::string message;
};

// A public signing key as a verifier knows it. The key verifies signatures
// with valid_from <= signed_at, signed_at < valid_until once it was replaced by
// a newer key, and signed_at < revoked_at once revoked.
struct PublicSigningKey {
  std::string org_id;
  std::string key_id;
  crypto::Ed25519PublicKey public_key{};
  Instant valid_from;
  std::optional<Instant> valid_until;
  std::optional<Instant> revoked_at;
};

struct VerifyPolicy {
  // The key of that id, or nullopt when unknown.
  std::function<std::optional<PublicSigningKey>(std::string_view key_id)>
      find_key;
  // nullopt when the signer is competent to sign `document` in `meta.role`;
  // otherwise why not (one line, for the message).
  std::function<std::optional<std::string>(const SignatureMeta& meta,
                                           const boost::json::object& document)>
      competence;
  // Roles that must each carry at least one valid signature.
  std::vector<std::string> required_roles;
  // When set, a signature dated after it is refused: the verifier's clock plus
  // the skew it allows between signer and receiver.
  std::optional<Instant> not_after;
};

// OK when every signature verifies under the policy and every required role
// signed; otherwise the first failure found, in the order: unsigned, then per
// signature (in envelope order) unknown_key, wrong_signature,
// key_not_yet_valid, key_revoked, signer_not_competent, then
// missing_required_signature.
tl::expected<void, Rejection> Verify(const SignedDocument& doc,
                                     const VerifyPolicy& policy);

}  // namespace evidex::sign

#endif  // EVIDEX_SIGN_SIGNED_DOCUMENT_H_
