// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures.
//
// A signed note is a text followed by signatures:
//
//   <text: one or more lines, each ending in "\n">
//   "\n"
//   "— " <key name> " " base64(key ID || signature) "\n"   (one or more)
//
// where "—" is U+2014 (em dash), the key ID is 4 bytes big-endian, and the
// signature is Ed25519 (RFC 8032) over the text, final newline included. The
// key ID of an Ed25519 key is the first 4 bytes of
//   SHA-256(key name || 0x0A || 0x01 || 32-byte public key).
// A verifier key is written "<name>+<8 lowercase hex digits of the key
// ID>+base64(0x01 || public key)" (the "vkey" form of the Go reference
// implementation, golang.org/x/mod/sumdb/note).
//
// The format is documented for evidex in docs/formats/checkpoint.md. Parsing is
// strict: the whole message is valid UTF-8 without ASCII control characters
// other than newline, at most kMaxNoteBytes long, with 1 to kMaxNoteSignatures
// signature lines; key names are non-empty, without Unicode spaces or "+";
// base64 is canonical and padded. Anything else is kInvalidArgument naming what
// is wrong.
//
// Verification follows the specification: signatures by keys the verifier does
// not know (name and ID both matching) are ignored; a signature by a known key
// MUST verify, else the whole note is refused (kUnauthenticated); a note with
// no verified signature is refused (kUnauthenticated).
//
// All functions are pure and thread-safe; NoteVerifier is an immutable value;
// NoteSigner may be used from any number of threads at once.
#ifndef EVIDEX_LEDGER_NOTE_H_
#define EVIDEX_LEDGER_NOTE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/ed25519.h"

namespace evidex::ledger {

// Bounds of what ParseNote accepts. The specification asks verifiers to accept
// at least 16 signatures.
inline constexpr std::size_t kMaxNoteBytes = std::size_t{1} << 16;
inline constexpr std::size_t kMaxNoteSignatures = 100;

// The signature type byte of Ed25519 in key IDs and verifier keys.
inline constexpr std::uint8_t kNoteEd25519Type = 0x01;

// One signature line.
struct NoteSignature {
  std::string key_name;
  std::uint32_t key_id = 0;
  std::vector<std::uint8_t> signature;  // the bytes after the key ID

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

// A note as written: its text (ending in "\n") and its signature lines, in
// order. Nothing in it is verified.
struct Note {
  std::string text;
  std::vector<NoteSignature> signatures;

  friend bool operator==(const Note&, const Note&) = default;
};

// True when `name` may name a key: non-empty, valid UTF-8, no Unicode space
// (White_Space) and no "+".
bool IsValidKeyName(std::string_view name);

// The key ID of an Ed25519 key: the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || 0x01 || public_key).
std::uint32_t Ed25519KeyId(std::string_view name,
                           const crypto::Ed25519PublicKey& public_key);

// Parses a signed note with the syntax above. Fails with kInvalidArgument
// saying what is wrong (the first offending line or byte offset).
Result<Note> ParseNote(std::string_view message);

// Writes `note` in the syntax above. Fails with kInvalidArgument when the
// result would not parse: text not ending in newline or holding a control
// character, a bad key name, no signature or too many.
Result<std::string> FormatNote(const Note& note);

// A known Ed25519 key that notes may be signed with.
class NoteVerifier {
 public:
  // The verifier of `public_key` under `name`. Fails with kInvalidArgument when
  // the name is not a valid key name.
  static Result<NoteVerifier> Create(
      std::string name, const crypto::Ed25519PublicKey& public_key);

  // Parses a verifier key "<name>+<hex key ID>+<base64(0x01 || public key)>".
  // Fails with kInvalidArgument when it is malformed, is not an Ed25519 key,
  // or its key ID is not the one its name and key give.
  static Result<NoteVerifier> Parse(std::string_view vkey);

  const std::string& name() const { return name_; }
  std::uint32_t key_id() const { return key_id_; }
  const crypto::Ed25519PublicKey& public_key() const { return public_key_; }

  // The verifier key text that Parse reads.
  std::string VerifierKey() const;

  // OK when `signature` is this key's Ed25519 signature of `text`;
  // kUnauthenticated otherwise.
  Status Verify(std::string_view text,
                std::span<const std::uint8_t> signature) const;

 private:
  NoteVerifier(std::string name, const crypto::Ed25519PublicKey& public_key);

  std::string name_;
  std::uint32_t key_id_;
  crypto::Ed25519PublicKey public_key_;
};

// An Ed25519 key that signs notes under a name.
class NoteSigner {
 public:
  // Fails with kInvalidArgument when the name is not a valid key name.
  static Result<NoteSigner> Create(std::string name,
                                   crypto::Ed25519KeyPair key_pair);

  const NoteVerifier& verifier() const { return verifier_; }

  // The signature of `text` by this key.
  NoteSignature Sign(std::string_view text) const;

 private:
  NoteSigner(NoteVerifier verifier, crypto::Ed25519SecretKey secret_key);

  NoteVerifier verifier_;
  crypto::Ed25519SecretKey secret_key_;
};

// The signed note of `text` with one signature by `signer`. Fails with
// kInvalidArgument when the text is not a valid note text (see FormatNote).
Result<std::string> SignNote(std::string_view text, const NoteSigner& signer);

// A note whose signatures were checked against a set of known keys.
struct OpenedNote {
  Note note;
  // The verifier keys (NoteVerifier::VerifierKey()) of the known keys whose
  // signature verified, in the order of their first signature line; each at
  // most once.
  std::vector<std::string> verified_by;
};

// Parses `message` and verifies it against `verifiers` as the specification
// says (header comment). Fails with kInvalidArgument when the message does not
// parse or two verifiers share both name and key ID (ambiguous), and with
// kUnauthenticated when a known key's signature does not verify or no known
// key signed.
Result<OpenedNote> OpenNote(std::string_view message,
                            std::span<const NoteVerifier> verifiers);

}  // namespace evidex::ledger

#endif  // EVIDEX_LEDGER_NOTE_H_
